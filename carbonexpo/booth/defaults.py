"""Default material intensities and power of booth build types (docs/booth-defaults.md).

Every number here is an engineering estimate, reasoned in docs/booth-defaults.md, and every
use of one is flagged as an estimate in the output. Materials are keyed like materials.csv:
(material, origin) -> kg per m² of booth floor, per show. Equipment that is used for many
shows (system profiles) is amortised: its mass divided by the number of shows it serves.
"""

from __future__ import annotations

SHELL_PROFILE_USES = 50  # rented system profiles serve about 50 shows
MODULAR_SYSTEM_USES = 20  # an exhibitor's own modular stand serves about 20 shows

CUSTOM_BUILD = {
    ("mdf", "virgin"): 25.0,
    ("timber", "virgin"): 15.0,
    ("carpet", "virgin"): 0.4,
    ("pvc_print", "virgin"): 0.5,
    ("steel", "virgin"): 2.0,
}
BUILD_MATERIALS_KG_PER_M2: dict[str, dict[tuple[str, str], float]] = {
    # rented system shell scheme: aluminium profiles amortised, hired wall panels re-used,
    # new carpet and fascia graphics each show
    "shell": {
        ("aluminium", "virgin"): 5.0 / SHELL_PROFILE_USES,
        ("mdf", "reused"): 3.0,
        ("carpet", "virgin"): 0.4,
        ("pvc_print", "virgin"): 0.2,
    },
    # built for the show: MDF walls, timber frame, plywood raised floor, graphics, some steel
    "custom": CUSTOM_BUILD,
    # exhibitor-owned modular system: aluminium amortised, re-used panels, new graphics
    "modular": {
        ("aluminium", "virgin"): 8.0 / MODULAR_SYSTEM_USES,
        ("mdf", "reused"): 3.0,
        ("carpet", "virgin"): 0.4,
        ("pvc_print", "virgin"): 0.4,
    },
    # raw space: the exhibitor's contractor builds a stand, assumed to be a custom build
    "space_only": CUSTOM_BUILD,
}
POWER_KW_PER_M2 = {"shell": 0.10, "custom": 0.20, "modular": 0.15, "space_only": 0.20}
OPEN_HOURS_PER_DAY = 10.0
LOAD_FACTOR = 0.8  # share of the connected load drawn on average over opening hours
FREIGHT_LEGS = 2  # exhibits travel to the show and back
