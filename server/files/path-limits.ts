// Limits shared by path-safety (server) and the schemas the front end reads its wire types from; no Node
// imports here, so type-checking the front end never pulls in Node code.

/** Longest name of one entry, in UTF-8 bytes (ext4's limit). */
export const MAX_NAME_BYTES = 255;
/** Longest API path, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096;
