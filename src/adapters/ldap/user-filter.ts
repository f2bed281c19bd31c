/** The user search filter, built from ldapts filter objects (user input is never parsed as filter syntax). */
import { AndFilter, EqualityFilter, NotFilter, type Filter } from "ldapts";

/** (&(objectClass=<userClass>)(!(objectClass=computer))(<attribute>=<value>)), value sent as an opaque octet string. */
export function userFilter(userObjectClass: string, attribute: string, value: string): Filter {
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: "objectClass", value: userObjectClass }),
      new NotFilter({ filter: new EqualityFilter({ attribute: "objectClass", value: "computer" }) }),
      new EqualityFilter({ attribute, value }),
    ],
  });
}
