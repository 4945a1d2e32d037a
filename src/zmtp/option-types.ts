/**
 * `Options<T>`, zeromq.js's type of the options object of a socket or
 * context: every assignable property of `T`, optional. Kept apart from the
 * socket and context modules, which both use it, so that neither imports
 * the other through it.
 */

/** `A` when `X` and `Y` are the same type (readonly included), else `B`. */
type IfEquals<X, Y, A, B = never> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : B;

/** The keys of `T` that can be assigned: not methods, not readonly. */
export type WritableKeys<T> = {
  [P in keyof T]-?: T[P] extends Function ? never : IfEquals<{ [Q in P]: T[P] }, { -readonly [Q in P]: T[P] }, P>;
}[keyof T];

/** The options of a `T`: each of its assignable properties, optional, plus the extras `E`. */
export type Options<T, E = {}> = { [K in keyof (E & Pick<T, WritableKeys<T>>)]?: (E & Pick<T, WritableKeys<T>>)[K] };

