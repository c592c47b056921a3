import { DataTypes, Model, type Sequelize, type InferAttributes, type InferCreationAttributes, type CreationOptional } from "sequelize";

export class ConcertRow extends Model<InferAttributes<ConcertRow>, InferCreationAttributes<ConcertRow>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare artist: string;
  declare venue: string;
  declare description: string;
  declare salesOpenAt: CreationOptional<Date | null>;
  declare drawSeed: CreationOptional<string | null>;
  declare fairnessCommitment: CreationOptional<string | null>;
  declare createdAt: Date;
  declare updatedAt: Date;
}

export class ScheduleRow extends Model<InferAttributes<ScheduleRow>, InferCreationAttributes<ScheduleRow>> {
  declare id: CreationOptional<number>;
  declare concertId: number;
  declare showDate: string;
  declare startsAt: Date;
  declare totalSeats: number;
  declare createdAt: Date;
}

export class SeatRow extends Model<InferAttributes<SeatRow>, InferCreationAttributes<SeatRow>> {
  declare id: CreationOptional<number>;
  declare scheduleId: number;
  declare seatNumber: number;
  declare grade: string;
  declare price: number;
  declare status: CreationOptional<"AVAILABLE" | "HELD" | "SOLD">;
  declare reservationId: CreationOptional<number | null>;
}

export interface CatalogueModels {
  Concert: typeof ConcertRow;
  Schedule: typeof ScheduleRow;
  Seat: typeof SeatRow;
}

/** Binds the catalogue models to one Sequelize instance (tests run several, each with its own database). */
export function defineCatalogueModels(db: Sequelize): CatalogueModels {
  const Concert = class extends ConcertRow {};
  Concert.init(
    {
      id: { type: DataTypes.BIGINT.UNSIGNED, primaryKey: true, autoIncrement: true },
      title: { type: DataTypes.STRING(200), allowNull: false },
      artist: { type: DataTypes.STRING(200), allowNull: false },
      venue: { type: DataTypes.STRING(200), allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false },
      salesOpenAt: { type: DataTypes.DATE(3), allowNull: true },
      drawSeed: { type: DataTypes.CHAR(64), allowNull: true },
      fairnessCommitment: { type: DataTypes.CHAR(64), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: "concerts", modelName: "Concert", timestamps: true, underscored: true },
  );
  const Schedule = class extends ScheduleRow {};
  Schedule.init(
    {
      id: { type: DataTypes.BIGINT.UNSIGNED, primaryKey: true, autoIncrement: true },
      concertId: { type: DataTypes.BIGINT.UNSIGNED, allowNull: false },
      showDate: { type: DataTypes.DATEONLY, allowNull: false },
      startsAt: { type: DataTypes.DATE(3), allowNull: false },
      totalSeats: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: "schedules", modelName: "Schedule", timestamps: true, updatedAt: false, underscored: true },
  );
  const Seat = class extends SeatRow {};
  Seat.init(
    {
      id: { type: DataTypes.BIGINT.UNSIGNED, primaryKey: true, autoIncrement: true },
      scheduleId: { type: DataTypes.BIGINT.UNSIGNED, allowNull: false },
      seatNumber: { type: DataTypes.INTEGER, allowNull: false },
      grade: { type: DataTypes.STRING(20), allowNull: false },
      price: { type: DataTypes.BIGINT, allowNull: false },
      status: { type: DataTypes.ENUM("AVAILABLE", "HELD", "SOLD"), allowNull: false, defaultValue: "AVAILABLE" },
      reservationId: { type: DataTypes.BIGINT.UNSIGNED, allowNull: true },
    },
    { sequelize: db, tableName: "seats", modelName: "Seat", timestamps: false, underscored: true },
  );
  return { Concert, Schedule, Seat };
}
