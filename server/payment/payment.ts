/** Payment entities, free of any framework. */
export interface Payment {
  id: number;
  reservationId: number;
  userId: number;
  amount: number;
  paidAt: Date;
}
