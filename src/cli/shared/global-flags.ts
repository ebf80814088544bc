/**
 * @module
 * The flags every command takes, before or after its name.
 */

/** Global flags, available before or after the command name. */
export interface GlobalFlags {
  readonly verbose?: boolean;
  readonly color?: boolean;
}
