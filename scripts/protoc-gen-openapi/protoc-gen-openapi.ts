// Entry point buf runs as a local plugin (see buf.gen.yaml): `node --import tsx scripts/protoc-gen-openapi/protoc-gen-openapi.ts`.
// It is our own because the usual generator, protoc-gen-connect-openapi, is a Go binary this project cannot install.
import { runNodeJs } from "@bufbuild/protoplugin";
import { plugin } from "./plugin.js";

runNodeJs(plugin);
