// Alliance Lens player: the Streamlit components-v2 entry module (served from this folder,
// so its relative imports load the other modules; see alliance_lens/player/__init__.py).

import { Player } from "./player.js";

const INSTANCE = Symbol.for("allianceLens.player");

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  // The function runs again whenever data changes; the DOM and the <video> persist.
  let player = parentElement[INSTANCE];
  if (!player) {
    player = new Player(parentElement);
    parentElement[INSTANCE] = player;
  }
  player.trigger = (name, value) => setTriggerValue(name, value);
  player.update(data);
  return () => {
    player.destroy();
    delete parentElement[INSTANCE];
  };
}
