#!/usr/bin/env node
// Makes .buf-deps/buf/validate/validate.proto available (imported by our .proto files as
// "buf/validate/validate.proto"). The file is not published on npm as a .proto; it ships as a
// resource in the build.buf:protovalidate jar on Maven Central (version in
// infra/protovalidate/pom.xml), which Maven unpacks here. No-op when the file is present.
// Prints exactly one line on success.

import fs from 'node:fs';
import path from 'node:path';
import { ROOT, mvnBin, run } from './infra/kafka.mjs';

const OUT_DIR = path.join(ROOT, '.buf-deps');
const PROTO = path.join(OUT_DIR, 'buf', 'validate', 'validate.proto');
const POM = path.join(ROOT, 'infra', 'protovalidate', 'pom.xml');
const rel = path.relative(process.cwd(), PROTO) || PROTO;

function main() {
  if (fs.existsSync(PROTO)) {
    console.log(`validate.proto: ${rel} present`);
    return;
  }
  // Maven's unpack markers (build dir set in the pom) would make it skip a jar it unpacked before
  fs.rmSync(path.join(ROOT, '.infra', 'mvn', 'protovalidate'), { recursive: true, force: true });
  const version = /<artifactId>protovalidate<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(fs.readFileSync(POM, 'utf8'))?.[1] ?? '?';
  run(
    mvnBin(),
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      POM,
      'dependency:unpack-dependencies',
      '-DincludeGroupIds=build.buf',
      '-DincludeArtifactIds=protovalidate',
      '-Dmdep.unpack.includes=buf/validate/**/*.proto',
      '-DoverWriteReleases=true',
      `-DoutputDirectory=${OUT_DIR}`,
    ],
    { what: `mvn dependency:unpack-dependencies (build.buf:protovalidate:${version})` },
  );
  if (!fs.existsSync(PROTO)) throw new Error(`build.buf:protovalidate:${version} did not contain buf/validate/validate.proto`);
  console.log(`validate.proto: ${rel} unpacked from build.buf:protovalidate:${version}`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`fetch-validate-proto: ${e.message}\n`);
  process.exit(1);
}
