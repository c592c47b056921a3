import type { Sequelize } from "sequelize";
import { SequelizeConcertRepository } from "../concert/concert.repository.sequelize.js";

const demo = [
  { title: "IU 2027 World Tour: The Golden Hour", artist: "IU", venue: "KSPO Dome, Seoul", description: "Three nights in Seoul.", dates: ["2027-03-13", "2027-03-14", "2027-03-15"] },
  { title: "SEVENTEEN Follow Again", artist: "SEVENTEEN", venue: "Gocheok Sky Dome, Seoul", description: "Stadium encore.", dates: ["2027-04-24", "2027-04-25"] },
  { title: "Jazz at Sejong", artist: "Seoul Jazz Quartet", venue: "Sejong Center, Seoul", description: "An evening of standards.", dates: ["2027-05-08"] },
];

/** Demo catalogue: a few concerts, each date with 50 seats (10 VIP, 15 R, 25 S). Does nothing if concerts exist. */
export async function seedDemo(db: Sequelize): Promise<{ concerts: number; schedules: number } | undefined> {
  const repo = new SequelizeConcertRepository(db);
  if ((await repo.list(1)).length > 0) return undefined;
  let schedules = 0;
  for (const c of demo) {
    const concert = await repo.create({ title: c.title, artist: c.artist, venue: c.venue, description: c.description });
    for (const date of c.dates) {
      await repo.addSchedule({
        concertId: concert.id,
        date,
        startsAt: new Date(`${date}T19:00:00+09:00`),
        grades: [
          { grade: "VIP", count: 10, price: 198_000 },
          { grade: "R", count: 15, price: 165_000 },
          { grade: "S", count: 25, price: 132_000 },
        ],
      });
      schedules++;
    }
  }
  return { concerts: demo.length, schedules };
}
