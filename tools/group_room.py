"""Draws the group sample: 4-6 seated people around a circle, the speaker lit and named.

The camera sits at the open side of the circle, so everyone faces it and the centre; people
further back are drawn smaller. Frames are cached by their visible state, like ``Painter``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from tools.make_samples import (
    CHAIR,
    CHAIR_SEAT,
    FLOOR,
    FLOOR_EDGE,
    GLOW,
    HEIGHT,
    INK,
    NOTICE,
    RUG,
    SCALE,
    WALL,
    WALL_SHADE,
    WIDTH,
    Painter,
    Script,
    _bgr,
    _pill,
    _text,
    _text_width,
)

ROLE_ACCENT = {"leader": "#2f6f9f", "co-leader": "#3f7f4f", "member": "#8a5a2b"}
DEFAULT = {"skin": "#c99a7a", "hair": "#3a2f28", "top": "#7a8a9a"}


class GroupPainter(Painter):
    """A ``Painter`` for a circle of named people (``layout: circle`` scripts)."""

    def __init__(self, script: Script) -> None:  # noqa: D107 - replaces the two-chair room
        self.script = script
        self.w, self.h = WIDTH * SCALE, HEIGHT * SCALE
        self.people = script.speakers
        n = len(self.people)
        # seats on the back arc of an ellipse, from left to right; scale grows toward the front
        self.seat: dict[str, tuple[int, int, float]] = {}
        for i, who in enumerate(self.people):
            angle = math.pi * (1.08 + 0.84 * i / (n - 1))  # 194..345 degrees
            x = self.w / 2 + math.cos(angle) * self.w * 0.40
            depth = -math.sin(angle)  # 1 at the back, ~0.25 at the sides
            y = self.h * (0.60 - 0.13 * depth)
            self.seat[who] = (int(x), int(y), 1.0 - 0.28 * depth)
        self.look = {
            who: {**DEFAULT, **dict(script.people[who].get("look") or {})} for who in self.people
        }
        self._room = self._draw_room()
        self._cache: dict[tuple[Any, ...], np.ndarray] = {}
        self.title_card = self._draw_title_card()

    def _draw_room(self) -> np.ndarray:
        import cv2

        w, h = self.w, self.h
        img = np.empty((h, w, 3), np.uint8)
        img[:] = WALL
        floor_y = int(h * 0.38)
        cv2.rectangle(img, (0, int(h * 0.34)), (w, floor_y), WALL_SHADE, -1)
        img[floor_y:] = FLOOR
        cv2.line(img, (0, floor_y), (w, floor_y), FLOOR_EDGE, 4, cv2.LINE_AA)
        centre, axes = (w // 2, int(h * 0.72)), (int(w * 0.34), int(h * 0.16))
        cv2.ellipse(img, centre, axes, 0, 0, 360, RUG, -1, cv2.LINE_AA)
        cv2.ellipse(img, centre, axes, 0, 0, 360, FLOOR_EDGE, 3, cv2.LINE_AA)
        return img

    def _draw_person(self, img: np.ndarray, who: str, gaze: str, mouth: int) -> None:  # type: ignore[override]
        import cv2

        x, y, s = self.seat[who]
        look = {k: _bgr(v) for k, v in self.look[who].items() if k in DEFAULT}
        down = gaze == "down"

        def sc(v: float) -> int:
            return int(v * s)

        # chair back, seat and legs
        cv2.rectangle(img, (x - sc(70), y - sc(150)), (x + sc(70), y + sc(40)), CHAIR, -1)
        cv2.rectangle(img, (x - sc(80), y + sc(40)), (x + sc(80), y + sc(66)), CHAIR_SEAT, -1)
        for dx in (-70, 70):
            cv2.line(img, (x + sc(dx), y + sc(66)), (x + sc(dx), y + sc(150)), CHAIR, sc(10))
        # legs (seen from the front), torso and arms
        for dx in (-30, 30):
            cv2.line(img, (x + sc(dx), y + sc(50)), (x + sc(dx), y + sc(150)), INK, sc(30))
        torso = np.array(
            [[x - sc(62), y + sc(60)], [x + sc(62), y + sc(60)], [x + sc(52), y - sc(90)],
             [x - sc(52), y - sc(90)]],
            np.int32,
        )  # fmt: skip
        cv2.fillPoly(img, [torso], look["top"], cv2.LINE_AA)
        for f in (-1, 1):
            cv2.line(
                img, (x + f * sc(56), y - sc(70)), (x + f * sc(40), y + sc(46)), look["top"], sc(26)
            )
            cv2.circle(img, (x + f * sc(30), y + sc(50)), sc(14), look["skin"], -1, cv2.LINE_AA)
        # head: bowed a little when looking down
        head = (x, y - sc(140) + (sc(12) if down else 0))
        cv2.line(img, (x, y - sc(92)), (head[0], head[1] + sc(30)), look["skin"], sc(26))
        cv2.ellipse(
            img,
            (head[0], head[1] - sc(10)),
            (sc(48), sc(46)),
            0,
            180,
            360,
            look["hair"],
            -1,
            cv2.LINE_AA,
        )
        cv2.circle(img, head, sc(42), look["skin"], -1, cv2.LINE_AA)
        cv2.ellipse(
            img,
            (head[0], head[1] - sc(22)),
            (sc(44), sc(24)),
            0,
            180,
            360,
            look["hair"],
            -1,
            cv2.LINE_AA,
        )
        if self.script.people[who].get("look", {}).get("hair_style") == "long":
            for f in (-1, 1):
                cv2.ellipse(
                    img,
                    (head[0] + f * sc(40), head[1] + sc(18)),
                    (sc(14), sc(40)),
                    0,
                    0,
                    360,
                    look["hair"],
                    -1,
                    cv2.LINE_AA,
                )
        # eyes look toward the centre of the circle, or down
        toward = 1 if x < self.w // 2 else -1
        for f in (-1, 1):
            eye = (head[0] + f * sc(15) + toward * sc(4), head[1] + (sc(4) if down else -sc(4)))
            if down:
                cv2.ellipse(img, eye, (sc(7), sc(3)), 0, 0, 180, INK, max(2, sc(3)), cv2.LINE_AA)
            else:
                cv2.circle(img, eye, max(3, sc(5)), INK, -1, cv2.LINE_AA)
        mouth_c = (head[0] + toward * sc(3), head[1] + sc(22))
        if mouth == 0:
            cv2.line(
                img,
                (mouth_c[0] - sc(8), mouth_c[1]),
                (mouth_c[0] + sc(8), mouth_c[1]),
                _bgr("#7a4a40"),
                3,
                cv2.LINE_AA,
            )
        else:
            cv2.ellipse(
                img, mouth_c, (sc(7), 1 + 2 * mouth), 0, 0, 360, _bgr("#6a3a34"), -1, cv2.LINE_AA
            )

    def _draw_label(self, img: np.ndarray, who: str, speaking: bool) -> np.ndarray:
        x, y, s = self.seat[who]
        person = self.script.people[who]
        label = str(person["name"]) + (" (leader)" if person["role"] == "leader" else "")
        size = 24
        centre = (x, y - int(230 * s))
        colour = _bgr(ROLE_ACCENT[str(person["role"])])
        _pill(
            img,
            centre,
            _text_width(label, size, True) + 40,
            42,
            colour if speaking else _bgr("#b9b2a6"),
            speaking,
        )
        text_colour = _bgr("#ffffff") if speaking else _bgr("#6b6459")
        return _text(img, [(label, (centre[0], centre[1] + 1), size, True, text_colour, "mm")])

    def _glow_mask_at(self, who: str) -> np.ndarray:
        import cv2

        x, y, s = self.seat[who]
        mask = np.zeros((self.h, self.w), np.float32)
        cv2.ellipse(mask, (x, y - int(40 * s)), (int(130 * s), int(220 * s)), 0, 0, 360, 1.0, -1)
        return (cv2.GaussianBlur(mask, (0, 0), 35) * 0.55)[:, :, None]

    def frame(self, speaker: str | None, gaze: Mapping[str, str], mouth: int) -> np.ndarray:
        key = (speaker, tuple(gaze[w] for w in self.people), mouth if speaker else 0)
        if key not in self._cache:
            img = self._room.copy()
            if speaker:
                glow, weight = np.empty_like(img), self._glow_mask_at(speaker)
                glow[:] = GLOW
                img = (img * (1 - weight) + glow * weight).astype(np.uint8)
            # back of the circle first, so nearer people overlap those behind
            for who in sorted(self.people, key=lambda w: self.seat[w][1]):
                self._draw_person(img, who, gaze[who], mouth if who == speaker else 0)
            for who in self.people:
                img = self._draw_label(img, who, who == speaker)
            img = _text(img, [(NOTICE, (28, 24), 24, False, _bgr("#55504a"), "lt")])
            self._cache[key] = self._shrink(img)
        return self._cache[key]
