// Author mode: edits (marks, nudges, undo/redo) sent so that none is lost or applied twice.

const MAX_UNACKED = 50; // edits carried until the page says it applied them

/**
 * Send an edit (`mark`, `nudge`, `history`) with every edit the page has not yet applied.
 * A rerun request that waits while the page is busy is folded into the next one, and of two
 * triggers of this component only the newer survives: an edit sent alone could be lost (a
 * chapter key pressed during a mark's run), so each trigger carries them all, numbered, and
 * the page applies each number once and says in `data.edit_ack` how far it got.
 */
export function sendEdit(p, name, payload) {
  const ack = p.data && p.data.edit_ack;
  const log = (p.edits = p.edits || {
    epoch: Math.random().toString(36).slice(2),
    seq: 0,
    events: [],
  });
  if (ack && ack.epoch === log.epoch) log.events = log.events.filter((e) => e.seq > ack.seq);
  log.seq += 1;
  log.events = [...log.events, { seq: log.seq, name, payload }].slice(-MAX_UNACKED);
  p.trigger(name, { ...payload, edits: { epoch: log.epoch, events: log.events } });
}
