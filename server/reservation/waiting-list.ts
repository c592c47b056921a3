/** Waiting-list entities (SPEC 7.3), free of any framework. List order is ascending entry id. */
export type WaitingListState = "WAITING" | "OFFERED" | "PURCHASED" | "OFFER_EXPIRED" | "DECLINED" | "LEFT";

export interface WaitingListEntry {
  id: number;
  scheduleId: number;
  userId: number;
  /** 1-4; an offer has exactly this many seats. */
  seatCount: number;
  state: WaitingListState;
  /** The offered reservation, once there was one. */
  reservationId?: number;
  /** 1-based among the WAITING entries of the schedule; 0 in any other state. */
  position: number;
  joinedAt: Date;
}

/** An open offer, as operators see it. */
export interface WaitingListOffer {
  entryId: number;
  userId: number;
  reservationId: number;
  seatNumbers: number[];
  heldUntil: Date;
}

export interface WaitingListSummary {
  scheduleId: number;
  waiting: number;
  seatsWanted: number;
  offers: WaitingListOffer[];
  purchased: number;
  offersExpired: number;
}

/** A free seat an offer can take. */
export interface FreeSeat {
  number: number;
  price: number;
}
