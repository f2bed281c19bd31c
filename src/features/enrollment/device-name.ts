/** What a device name may be: 1–40 letters, digits, spaces and . _ ' ’ ( ) - (the refusal text lists them). */
export const DEVICE_NAME = /^[\p{L}\p{N} ._'’()-]{1,40}$/u;
