/**
 * A Date as a DATETIME(3) literal in UTC (the connection's time zone). Sequelize formats Date
 * replacements of raw queries without milliseconds, which would make holds expire up to 1 s early.
 */
export const sqlTime = (d: Date): string => d.toISOString().slice(0, 23).replace("T", " ");
