/**
 * Group bookkeeping of RFC 48 on both sides: the group names the
 * application gives (checked as libzmq checks them), and the RADIO's index
 * of which peer joined which group.
 *
 * Joins are counted per peer, as libzmq's radio keeps one entry per JOIN:
 * a peer that joined a group twice needs two LEAVEs. What one peer may
 * hold, and what all of them hold together, is bounded, since each JOIN is
 * memory a peer makes us keep.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Pipe } from "../pipe.js";
import { GROUP_MAX_LENGTH } from "../wire/index.js";

/**
 * A group given by the application as octets: a string (UTF-8) or a
 * Buffer, at most 255 octets.
 * @throws TypeError for another type; ZmqError EINVAL for a longer group
 */
export function groupName(value: unknown): Buffer {
  let group: Buffer;
  if (typeof value === "string") group = Buffer.from(value, "utf8");
  else if (Buffer.isBuffer(value)) group = Buffer.from(value);
  else throw new TypeError("Value must be a string or buffer");
  if (group.length > GROUP_MAX_LENGTH) throw new ZmqError("EINVAL", `a group is at most ${GROUP_MAX_LENGTH} octets; got ${group.length}`);
  return group;
}

/** The peers of a RADIO by group. */
export class GroupMembers {
  /** group (latin1 key) -> peer -> joins */
  private readonly byGroup = new Map<string, Map<Pipe, number>>();
  /** peer -> group (latin1 key) -> joins, to drop a leaving peer's groups without a scan */
  private readonly byPipe = new Map<Pipe, Map<string, number>>();
  private readonly joinCount = new Map<Pipe, number>();
  /** Joins held by all peers together. */
  total = 0;

  /** How many joins `pipe` holds, all groups together. */
  joinsOf(pipe: Pipe): number {
    return this.joinCount.get(pipe) ?? 0;
  }

  /** Records a JOIN of `group` by `pipe`. */
  join(group: Buffer, pipe: Pipe): void {
    const key = group.toString("latin1");
    let peers = this.byGroup.get(key);
    if (!peers) this.byGroup.set(key, (peers = new Map()));
    peers.set(pipe, (peers.get(pipe) ?? 0) + 1);
    let groups = this.byPipe.get(pipe);
    if (!groups) this.byPipe.set(pipe, (groups = new Map()));
    groups.set(key, (groups.get(key) ?? 0) + 1);
    this.joinCount.set(pipe, this.joinsOf(pipe) + 1);
    this.total++;
  }

  /** Undoes one JOIN of `group` by `pipe`; a LEAVE without a JOIN changes nothing. */
  leave(group: Buffer, pipe: Pipe): void {
    const key = group.toString("latin1");
    const groups = this.byPipe.get(pipe);
    const n = groups?.get(key);
    if (!groups || n === undefined) return;
    if (n > 1) {
      groups.set(key, n - 1);
      this.byGroup.get(key)!.set(pipe, n - 1);
    } else {
      groups.delete(key);
      this.dropPeer(key, pipe);
    }
    this.joinCount.set(pipe, this.joinsOf(pipe) - 1);
    this.total--;
  }

  /** Forgets a peer that is gone. */
  removePipe(pipe: Pipe): void {
    const groups = this.byPipe.get(pipe);
    if (groups) for (const key of groups.keys()) this.dropPeer(key, pipe);
    this.byPipe.delete(pipe);
    this.total -= this.joinsOf(pipe);
    this.joinCount.delete(pipe);
  }

  /** The peers that joined `group`, into `out` (cleared first). */
  membersOf(group: Buffer, out: Pipe[]): Pipe[] {
    out.length = 0;
    const peers = this.byGroup.get(group.toString("latin1"));
    if (peers) for (const pipe of peers.keys()) out.push(pipe);
    return out;
  }

  private dropPeer(key: string, pipe: Pipe): void {
    const peers = this.byGroup.get(key);
    if (!peers) return;
    peers.delete(pipe);
    if (peers.size === 0) this.byGroup.delete(key);
  }
}
