/** Time is a port so the domain and its tests never read the wall clock or sleep. */
export interface Clock {
  now(): Date;
}
