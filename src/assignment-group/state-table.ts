/**
 * The DynamoDB table where every assignment group keeps its state (declared model, owned assignments), one item
 * per group. Its name comes from the type configuration (`StateTable`, set with SetTypeConfiguration by
 * `npm run register`), else this default. Register, the registration template and the dev tooling create it with
 * this key schema; nothing else about the table is assumed.
 */
export const STATE_TABLE = {
  defaultName: 'sso-assignment-groups',
  /** The partition key: the group's Name (its primary identifier). No sort key. */
  partitionKey: 'GroupName',
} as const;
