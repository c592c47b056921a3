/** Port: makes sure a user row exists the first time a user id is seen. */
export interface UserDirectory {
  ensure(userId: number): Promise<void>;
}
