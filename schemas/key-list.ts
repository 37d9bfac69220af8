/**
 * A configured list of keys, each with an id, the first one current: the data keys that seal
 * letters and the keys that sign broker messages are both given and rotated this way.
 */
export const keyListSchema = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'key'],
    properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$' }, key: { type: 'string' } },
  },
} as const;
