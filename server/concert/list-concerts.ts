import { decodePageToken, encodePageToken, pageSizeOf } from "../shared/page-token.js";
import type { Concert } from "./concert.js";
import type { ConcertRepository } from "./concert.repository.js";

export class ListConcerts {
  constructor(private readonly concerts: ConcertRepository) {}

  async execute(input: { pageSize: number; pageToken: string }): Promise<{ concerts: Concert[]; nextPageToken: string }> {
    const size = pageSizeOf(input.pageSize);
    const rows = await this.concerts.list(size + 1, decodePageToken(input.pageToken));
    const page = rows.slice(0, size);
    return { concerts: page, nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "" };
  }
}
