import { DomainError } from "../shared/domain-error.js";

export const scheduleNotFound = (id: number) =>
  new DomainError("SCHEDULE_NOT_FOUND", `schedule ${id} does not exist; list a concert's dates with ListSchedules (concert-admin concerts show <concertId>)`);
