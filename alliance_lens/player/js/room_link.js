// Presenter mode with a live room open: tells the room's presenter routes when a prompt opens
// or closes and when the video plays or pauses, straight from the browser (no Streamlit rerun).
// The room's code and presenter key come in the player's data (presenter mode only).

import { plainText } from "./dom.js";

function send(p, action, body) {
  const room = p.data && p.data.room;
  if (!room || p.mode !== "presenter") return;
  fetch(`/room-api/${encodeURIComponent(room.code)}/presenter/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Room-Key": room.key },
    body: JSON.stringify(body),
  }).catch(() => {}); // the room is a bonus: a lost request never stops the video
}

export function promptOpened(p, item) {
  const prompt = item.prompt;
  send(p, "prompt", {
    key: `${item.track.id}/${prompt.id}`,
    kind: prompt.kind,
    question: plainText(prompt.question_html || ""),
    options: prompt.options || [],
  });
}

export function promptClosed(p) {
  send(p, "close", {});
}

export function playback(p, playing) {
  send(p, "playback", { playing, position_ms: Math.round((p.video.currentTime || 0) * 1000) });
}
