"""Visitor travel estimated from who came (registrations.csv, scans.csv) and how a sample of
them travelled (survey.csv); docs/visitor-travel.md holds the method and its sources.

Pure: validated tables in; out come travel and hotel activity rows for the inventory (the same
rows travel.csv and accommodation.csv would give), the split used in each distance band with
the survey's bootstrap interval, and per-run multipliers of the estimate for the Monte Carlo.

Every table is reduced through integer codes: a million registrations and five million scans
are a few numpy passes; Python loops run over distinct origins, bands and modes only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonexpo.calc import activities as act
from carbonexpo.calc.uncertainty import TIER_RANGE, Z95
from carbonexpo.codes import as_categorical, epoch_seconds
from carbonexpo.config import EventConfig
from carbonexpo.geo import capital_of, country_code, great_circle_km, resolve_place
from carbonexpo.hashes import SEEDS, texts_hashed
from carbonexpo.io.attendance_import import id_texts, not_pseudonyms
from carbonexpo.io.schema import ATTENDEE_TYPES, TRAVEL_MODES

# distance bands by one-way great-circle km from the venue: local (< visitor_travel.local_km),
# then these edges; each band is domestic or international by the origin's country
BAND_EDGES_KM = (300.0, 1000.0)
BANDS = ("local", "regional", "medium", "long")
SCOPES = ("domestic", "international")
CELLS = tuple(f"{b}/{s}" for s in SCOPES for b in BANDS)  # code = scope * 4 + band
# The split of a band with too few responses of its own and none to borrow: its most
# emitting common mode (the conservativeness principle: ISO 14064-1:2018 §4.2, ISO
# 14068-1:2023 §5; an understated footprint is the error a neutrality claim may not make):
# car (DESNZ average car, occupancy 1) to 300 km, a flight beyond.
DEFAULT_MODE = {"local": "car", "regional": "car", "medium": "air", "long": "air"}
# factors per vehicle-km applied per passenger-km: a party travelling together shares one car
# (a taxi's factor is per passenger-km already)
PARTY_MODES = ("car", "ev_car")
MODES = list(TRAVEL_MODES)
TYPES = list(ATTENDEE_TYPES)
SOURCES = ("own", "band", "default")  # where a cell's split comes from


@dataclass(frozen=True)
class Origins:
    """Each distinct origin text: where it is (NaN: unresolved) and its distance cell."""

    labels: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    country: list[str]  # "" when unresolved
    km: np.ndarray  # one way, great circle, to the venue
    cell: np.ndarray  # code into CELLS, -1 unresolved
    capitals: int  # origins given as a foreign country, placed at its capital


def locate(labels: list[str], config: EventConfig) -> Origins:
    """Resolve each distinct origin once: a place carbonexpo knows, or a foreign country (at
    its capital). The venue's own country says nothing of distance: unresolved."""
    venue = config.venue
    n = len(labels)
    lat, lon = np.full(n, np.nan), np.full(n, np.nan)
    countries = [""] * n
    capitals = 0
    for i, text in enumerate(labels):
        place = resolve_place(text)
        if place is None:
            code, _ = country_code(text)
            if code and code != venue.country and (capital := capital_of(code)):
                place = resolve_place(f"{capital}, {code}")
                capitals += place is not None
        if place is not None:
            lat[i], lon[i], countries[i] = place.latitude, place.longitude, place.country
    km = great_circle_km(lat, lon, venue.latitude, venue.longitude)
    return Origins(labels, lat, lon, countries, km, cells(km, countries, config), capitals)


def cells(km: np.ndarray, countries: list[str], config: EventConfig) -> np.ndarray:
    edges = np.array([config.visitor_travel.local_km, *BAND_EDGES_KM])
    band = np.searchsorted(edges, km, side="right")
    abroad = np.array([c not in ("", config.venue.country) for c in countries], dtype=bool)
    out = abroad.astype(np.int64) * len(BANDS) + band
    return np.where(np.isnan(km), -1, out)


@dataclass
class Attendance:
    """Who came, grouped by origin × type: attendees and attendee-days (visits)."""

    groups: pd.DataFrame  # origin (code into origin labels, -1 none), type, attendees, days, row
    origin_labels: list[str]
    source_file: str
    registered: int = 0  # distinct attendee ids in registrations.csv
    duplicates: int = 0  # registration rows of an id already seen (the first row kept)
    no_shows: int = 0  # registered, never scanned (when scans.csv exists)
    unregistered: int = 0  # scanned, not in registrations.csv: origin unknown
    days_from: str = "registrations"  # scans | registrations | default (1 day each)
    # file -> distinct ids in it that are not import's pseudonyms (privacy: warned about)
    raw_ids: dict[str, int] = field(default_factory=dict)

    @property
    def attendees(self) -> int:
        return int(self.groups["attendees"].sum())

    @property
    def visits(self) -> int:
        return int(self.groups["days"].sum())


def _codes(values: object, n: int) -> tuple[np.ndarray, list[str]]:
    cat = as_categorical(values, n)
    return np.asarray(cat.codes, dtype=np.int64), [str(c) for c in cat.categories]


def id_hashes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Two 64-bit hashes of each attendee id (the reader keeps ids as Arrow text: a million
    ids are never Python strings nor one dictionary)."""
    first, second = texts_hashed(id_texts(values), SEEDS)
    return first, second


Hashing = Callable[[pd.Series], tuple[np.ndarray, np.ndarray]]


class IdCollision(Exception):
    """Two attendee ids share a hash: number them exactly instead."""


def _numbered(h1: np.ndarray, h2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct keys sorted, first row of each, each row's position among them); raises
    IdCollision when rows of one key differ in the second hash."""
    keys, first, inverse = np.unique(h1, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if (h2 != h2[first][inverse]).any():
        raise IdCollision
    return keys, first, inverse


def _type_codes(values: object, n: int) -> np.ndarray:
    """Codes into TYPES; a missing type is a visitor."""
    codes, labels = _codes(values, n)
    mapping = np.array([TYPES.index(label) for label in labels] + [0], dtype=np.int64)
    return mapping[np.where(codes < 0, len(labels), codes)]


def local_days(stamps: pd.Series, config: EventConfig) -> np.ndarray:
    """Index of each instant's local day in the event period (its first day 0)."""
    edges = np.array(config.local_midnights(config.phases.start, config.phases.end), np.int64)
    idx = np.searchsorted(edges, epoch_seconds(stamps), side="right") - 1
    return np.clip(idx, 0, len(edges) - 2)


def attendance(
    registrations: pd.DataFrame | None,
    scans: pd.DataFrame | None,
    config: EventConfig,
    *,
    registrations_file: str = "registrations.csv",
    scans_file: str = "scans.csv",
    hashing: Hashing = id_hashes,
) -> Attendance:
    """Attendees from registrations (one row per id; a repeated id counted once) and their
    days from scans (distinct local days an id was scanned), else from `days`, else one. With
    scans, a registered id never scanned did not come; a scanned id not registered came from
    an unknown origin. Ids are told apart by `hashing` (two hashes each); should two ids share
    them, by their exact texts."""
    try:
        return _attendance(registrations, scans, config, registrations_file, scans_file, hashing)
    except IdCollision:
        return _attendance(
            registrations,
            scans,
            config,
            registrations_file,
            scans_file,
            _exact_hashes_of(registrations, scans),
        )


def _exact_hashes_of(registrations: pd.DataFrame | None, scans: pd.DataFrame | None) -> Hashing:
    """Each id's number among the distinct ids of both tables (exact: the texts compared), as
    both 'hashes': what a collision falls back to."""
    parts = [t["attendee_id"].astype(object) for t in (registrations, scans) if t is not None]
    _, distinct = pd.factorize(pd.concat(parts, ignore_index=True))
    index = pd.Index(distinct)

    def exact(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        number = index.get_indexer(values.astype(object)).astype(np.uint64)
        return number, number

    return exact


def _attendance(
    registrations: pd.DataFrame | None,
    scans: pd.DataFrame | None,
    config: EventConfig,
    registrations_file: str,
    scans_file: str,
    hashing: Hashing,
) -> Attendance:
    reg = registrations if registrations is not None else pd.DataFrame()
    n = len(reg)
    if n:
        h1, h2 = hashing(reg["attendee_id"])
        _, first, _ = _numbered(h1, h2)  # the first row of each id
        first.sort()
        origin_all, origin_labels = _codes(reg["origin"], n)
        origin = origin_all[first]
        types = _type_codes(reg.get("type"), n)[first]
        rows = reg["_row"].to_numpy(dtype=np.int64)[first]
        given_days = (
            reg["days"].to_numpy(dtype=np.float64)[first]
            if "days" in reg
            else np.full(len(first), np.nan)
        )
        keys, keys2 = h1[first], h2[first]  # each attendee's, in the order of first rows
        # each attendee's id is checked once, not each of its rows
        raw = not_pseudonyms(id_texts(reg["attendee_id"]).take(first))
    else:
        first = np.zeros(0, np.int64)
        origin = types = rows = np.zeros(0, np.int64)
        origin_labels, given_days = [], np.zeros(0)
        keys = keys2 = np.zeros(0, np.uint64)
        raw = np.zeros(0, dtype=bool)
    out = Attendance(pd.DataFrame(), origin_labels, registrations_file, len(first), n - len(first))
    if raw.any():
        out.raw_ids[registrations_file] = int(raw.sum())
    if scans is not None:
        s1, s2 = hashing(scans["attendee_id"])
        # each scan's registration (-1: not registered), by its id's hash: a hash table of the
        # registrations' keys (a binary search of 5 M scans in 1 M keys took 2 s)
        attendee = pd.Index(keys).get_indexer(s1).astype(np.int64)
        found = attendee >= 0
        if (s2[found] != keys2[attendee[found]]).any():
            raise IdCollision
        # scanned, not registered: each distinct id an attendee of unknown origin
        unknown = np.flatnonzero(~found)
        _, _, number = _numbered(s1[unknown], s2[unknown])
        del s1, s2  # 16 bytes a scan, not needed past here
        extra = np.unique(number)
        attendee[unknown] = len(first) + number
        n_days = (config.phases.end - config.phases.start).days + 1
        pair = attendee * n_days + local_days(scans["date"], config)
        # a flag per attendee and day (a byte each; bincount's counts took 8)
        seen = np.zeros((len(first) + len(extra)) * n_days, dtype=bool)
        seen[pair] = True
        del pair
        days = seen.reshape(-1, n_days).sum(axis=1)
        origin = np.concatenate([origin, np.full(len(extra), -1)])
        types = np.concatenate([types, np.zeros(len(extra), np.int64)])
        scan_rows = scans["_row"].to_numpy(dtype=np.int64)
        first_scan = np.full(len(extra), 0, np.int64)
        # the scans' distinct ids not pseudonyms: of the registered ones scanned (a day seen;
        # checked above), and of the unregistered ones, each id once
        raw_scanned = int((raw & (days[: len(first)] > 0)).sum())
        if len(extra):
            firsts = np.unique(attendee[unknown], return_index=True)[1]
            first_scan = scan_rows[unknown[firsts]]
            raw_scanned += int(
                not_pseudonyms(id_texts(scans["attendee_id"]).take(unknown[firsts])).sum()
            )
        if raw_scanned:
            out.raw_ids[scans_file] = raw_scanned
        rows = np.concatenate([rows, first_scan])
        out.no_shows = int((days[: len(first)] == 0).sum())
        out.unregistered, out.days_from = len(extra), "scans"
        if not n:
            out.source_file = scans_file
    else:
        missing = np.isnan(given_days)
        days = np.where(missing, 1.0, given_days).astype(np.int64)
        out.days_from = "default" if missing.all() else "registrations"
    came = days > 0
    frame = pd.DataFrame(
        {"origin": origin[came], "type": types[came], "days": days[came], "row": rows[came]}
    )
    out.groups = (
        frame.groupby(["origin", "type"], sort=True)
        .agg(attendees=("days", "size"), days=("days", "sum"), row=("row", "min"))
        .reset_index()
    )
    return out


@dataclass
class Responses:
    """survey.csv as codes: each response's origin and cell, mode, and answers (NaN: not
    given). Responses whose origin resolves nowhere are left out (counted)."""

    origin: np.ndarray  # code into the estimate's origin labels
    cell: np.ndarray
    mode: np.ndarray  # code into MODES
    party: np.ndarray
    nights: np.ndarray
    home: np.ndarray  # 1 yes, 0 no, NaN not answered
    unresolved: int  # responses whose origin resolves nowhere (not used)
    total: int


def responses(survey: pd.DataFrame | None, labels: list[str], cell_of: np.ndarray) -> Responses:
    """`labels`: every origin of the estimate, the survey's included; `cell_of` their cells."""
    if survey is None or survey.empty:
        e, i = np.zeros(0), np.zeros(0, np.int64)
        return Responses(i, i, i, e, e, e, 0, 0)
    n = len(survey)
    codes, own = _codes(survey["origin"], n)
    position = pd.Index(labels).get_indexer(pd.Index(own))
    origin = np.append(position, -1)[np.where(codes < 0, len(own), codes)]
    cell = np.append(cell_of, -1)[np.where(origin < 0, len(cell_of), origin)]
    mode_codes, mode_labels = _codes(survey["mode"], n)
    mode = np.array([MODES.index(m) for m in mode_labels] + [-1], dtype=np.int64)[mode_codes]

    def number(name: str) -> np.ndarray:
        return survey[name].to_numpy(dtype=np.float64) if name in survey else np.full(n, np.nan)

    home = np.full(n, np.nan)
    if "went_home" in survey:
        answer = survey["went_home"].astype(object).to_numpy()
        home = np.where(answer == "yes", 1.0, np.where(answer == "no", 0.0, np.nan))
    ok = cell >= 0
    return Responses(
        origin[ok], cell[ok], mode[ok], number("party_size")[ok], number("hotel_nights")[ok],
        home[ok], int((~ok).sum()), n,
    )  # fmt: skip


@dataclass
class Split:
    """What a cell's attendees are taken to do: the mode shares, the share going home between
    days, hotel nights per attendee and the party size of car modes."""

    cell: int
    source: str  # own | band | default
    pool: np.ndarray  # indices of the responses the split was taken from (none: the default)
    share: np.ndarray  # per mode (MODES)
    home: float
    nights: float
    party: np.ndarray  # per mode (1 where not a party mode)
    low: np.ndarray = field(default_factory=lambda: np.zeros(len(MODES)))
    high: np.ndarray = field(default_factory=lambda: np.zeros(len(MODES)))

    @property
    def responses(self) -> int:
        return len(self.pool)


def pool_stats(
    r: Responses, pick: np.ndarray, band: str, mean_days: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each row of `pick` (indices of responses: the pool itself, or a resample of it):
    the mode shares (rows × modes), the share going home, the hotel nights per attendee and
    the mean party size of car modes (rows × modes, 1 elsewhere). An answer nobody gave takes
    its default (default_home, default_nights)."""
    k, n = pick.shape
    mode = r.mode[pick]
    # each row's count of each mode, all rows in one bincount (row × modes + mode)
    n_modes = len(MODES)
    counts = np.bincount((np.arange(k)[:, None] * n_modes + mode).ravel(), minlength=k * n_modes)
    share = counts.reshape(k, n_modes) / max(n, 1)
    h = r.home[pick]
    answered = (~np.isnan(h)).sum(axis=1)
    home = np.where(
        answered > 0, np.nansum(h, axis=1) / np.maximum(answered, 1), default_home(band)
    )
    g = r.nights[pick]
    given = (~np.isnan(g)).sum(axis=1)
    nights = np.where(
        given > 0,
        np.nansum(g, axis=1) / np.maximum(given, 1),
        default_nights(band, home, mean_days),
    )
    if band == "local":
        nights = np.zeros(k)
    party = np.ones((k, len(MODES)))
    sizes = r.party[pick]
    for m in PARTY_MODES:
        j = MODES.index(m)
        sel = (mode == j) & ~np.isnan(sizes)
        count = sel.sum(axis=1)
        total = np.where(sel, sizes, 0.0).sum(axis=1)
        party[:, j] = np.where(count > 0, total / np.maximum(count, 1), 1.0)
    return share, home, nights, party


def default_home(band: str) -> float:
    """Without an answer: a local attendee goes home every night, others stay."""
    return 1.0 if band == "local" else 0.0


def default_nights(band: str, home: Any, mean_days: float) -> Any:
    """Without an answer: no hotel for a local attendee; otherwise a night for every day
    attended by those who do not go home."""
    return 0.0 * home if band == "local" else (1.0 - home) * mean_days


def split_for(cell: int, r: Responses, minimum: int, mean_days: float) -> Split:
    """The cell's own responses when there are `minimum` of them; else the responses of its
    distance band at home and abroad; else the default (DEFAULT_MODE)."""
    band = BANDS[cell % len(BANDS)]
    own = np.flatnonzero(r.cell == cell)
    same_band = np.flatnonzero(r.cell % len(BANDS) == cell % len(BANDS))
    for source, pool in (("own", own), ("band", same_band)):
        if len(pool) >= minimum:
            share, home, nights, party = pool_stats(r, pool[None, :], band, mean_days)
            return Split(cell, source, pool, share[0], float(home[0]), float(nights[0]), party[0])
    one_mode = np.zeros(len(MODES))
    one_mode[MODES.index(DEFAULT_MODE[band])] = 1.0
    goes_home = default_home(band)
    stays = float(default_nights(band, np.asarray(goes_home), mean_days))
    no_party = np.ones(len(MODES))
    return Split(cell, "default", np.zeros(0, np.int64), one_mode, goes_home, stays, no_party)


FactorOf = Callable[[str], float | None]  # kgCO2e per passenger-km of a factor key (None: none)


@dataclass
class Estimate:
    """The estimate as activity rows plus what the report says about it."""

    travel: pd.DataFrame  # rows for calc.activities.travel_activity
    hotels: pd.DataFrame  # rows for calc.activities.accommodation_activity
    # attendance by origin × type with its cell; `spread`: unresolved attendees given the
    # resolved ones' origins
    groups: pd.DataFrame
    splits: dict[int, Split]
    attendance: Attendance
    origins: Origins
    responses: Responses
    cell_attendees: np.ndarray  # per cell, unresolved ones spread in
    unresolved: int  # attendees whose origin resolves nowhere (spread over the resolved)
    excluded_types: list[str]  # types travel.csv covers: left out here
    excluded_attendees: int
    trip_kg: np.ndarray  # per (origin, mode): kgCO2e of one round trip of one person
    # per cell × mode: kgCO2e if every attendee of the cell went once (a) / every day (d)
    once_kg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    daily_kg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hotel_kg_per_night: float = 0.0
    hotels_estimated: bool = True
    # the last bootstrap: per run, travel and hotel kgCO2e relative to the point figure
    draws: tuple[np.ndarray, np.ndarray] = (np.ones(1), np.ones(1))
    runs: int = 0
    seed: int = 0

    @property
    def unplaced(self) -> float:
        """Attendees of unresolved origins with nothing to spread them over: not estimated."""
        spread = float(self.groups.loc[self.groups["spread"], "attendees"].sum())
        return round(max(float(self.unresolved) - spread, 0.0), 6)

    def mean_days(self, cell: int) -> float:
        g = self.groups
        sel = g["cell"].to_numpy() == cell
        people = float(g["attendees"].to_numpy()[sel].sum())
        return float(g["days"].to_numpy()[sel].sum()) / people if people else 1.0

    def cell_kg(self, split: Split, share: Any, home: Any, party: Any) -> Any:
        a, d = self.once_kg[split.cell], self.daily_kg[split.cell]
        per_mode = (home[..., None] * d + (1.0 - home[..., None]) * a) / party
        return np.sum(share * per_mode, axis=-1)

    def point_kg(self) -> tuple[float, float]:
        """(travel, hotel) kgCO2e of the estimate by the split used (its lines' figure)."""
        travel = sum(
            float(self.cell_kg(s, s.share, np.asarray(s.home), s.party))
            for s in self.splits.values()
        )
        return travel, self.hotel_kg()

    def hotel_kg(self, nights: dict[int, Any] | None = None) -> Any:
        total: Any = 0.0
        for c, s in self.splits.items():
            if BANDS[c % len(BANDS)] == "local" or not self.hotels_estimated:
                continue
            n = s.nights if nights is None else nights[c]
            total = total + self.cell_attendees[c] * n * self.hotel_kg_per_night
        return total

    def bootstrap(self, runs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """Per run, the travel and hotel kgCO2e of the estimate relative to its point figure:
        the survey's responses resampled with replacement within each cell's pool (the shares,
        the going-home share, the nights and party sizes all from the same resample); a cell
        on the default split draws the 'estimated' tier's range instead. Also sets each
        split's 95 % interval of its mode shares."""
        rng = np.random.default_rng([seed, 37])
        travel = np.zeros(runs)
        nights: dict[int, np.ndarray] = {}
        sd = TIER_RANGE["estimated"] / Z95
        for c, s in sorted(self.splits.items()):
            band = BANDS[c % len(BANDS)]
            if s.source == "default":
                point = float(self.cell_kg(s, s.share, np.asarray(s.home), s.party))
                travel += point * np.clip(1.0 + rng.standard_normal(runs) * sd, 0.0, None)
                nights[c] = s.nights * np.clip(1.0 + rng.standard_normal(runs) * sd, 0.0, None)
                s.low, s.high = s.share.copy(), s.share.copy()
                continue
            share, home, night, party = _resampled(
                self.responses, s, runs, rng, band, self.mean_days(c)
            )
            travel += self.cell_kg(s, share, home, party)
            nights[c] = night
            s.low, s.high = np.percentile(share, [2.5, 97.5], axis=0)
        point_travel, point_hotel = self.point_kg()
        hotel = np.asarray(self.hotel_kg(nights), dtype=np.float64) * np.ones(runs)
        self.draws = (
            travel / point_travel if point_travel else np.ones(runs),
            hotel / point_hotel if point_hotel else np.ones(runs),
        )
        self.runs, self.seed = runs, seed
        return self.draws


def _resampled(
    r: Responses, s: Split, runs: int, rng: np.random.Generator, band: str, mean_days: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """pool_stats of `runs` resamples (with replacement) of s.pool, a bounded number of
    resamples at a time (runs × pool size indices would not fit for a large survey)."""
    n = len(s.pool)
    chunk = max(1, 2_000_000 // max(n, 1))
    parts = [
        pool_stats(r, s.pool[rng.integers(0, n, size=(min(runs, lo + chunk) - lo, n))], band,
                   mean_days)
        for lo in range(0, runs, chunk)
    ]  # fmt: skip
    share, home, nights, party = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return share, home, nights, party


def estimate(
    att: Attendance,
    survey: pd.DataFrame | None,
    config: EventConfig,
    factor_of: FactorOf,
    *,
    hotel_factor: float | None,
    excluded_types: list[str] = (),  # type: ignore[assignment]
    hotels: bool = True,
) -> Estimate:
    """The estimate: attendees of each origin spread over modes by their cell's split."""
    settings = config.visitor_travel
    labels = list(att.origin_labels)
    if survey is not None and not survey.empty:
        known = set(labels)
        labels += [o for o in map(str, as_categorical(survey["origin"], 0).categories)
                   if o not in known]  # fmt: skip
    origins = locate(labels, config)
    g = att.groups.copy()
    excluded_codes = [TYPES.index(t) for t in excluded_types]
    dropped = g["type"].isin(excluded_codes).to_numpy()
    excluded_attendees = int(g["attendees"].to_numpy()[dropped].sum())
    g = g[~dropped].reset_index(drop=True)
    code = g["origin"].to_numpy()
    cell_of_origin = np.append(origins.cell, -1)
    g["cell"] = cell_of_origin[np.where(code < 0, len(origins.cell), code)]
    r = responses(survey, labels, origins.cell)
    resolved = g[g["cell"] >= 0]
    unresolved = g[g["cell"] < 0]
    g = spread_unresolved(resolved, unresolved, r)
    est = Estimate(
        pd.DataFrame(), pd.DataFrame(), g, {}, att, origins, r, np.zeros(len(CELLS)),
        int(unresolved["attendees"].sum()), list(excluded_types), excluded_attendees,
        np.zeros((len(labels), len(MODES))), hotels_estimated=hotels,
    )  # fmt: skip
    est.cell_attendees = np.bincount(
        g["cell"].to_numpy(), weights=g["attendees"].to_numpy(), minlength=len(CELLS)
    )
    for c in sorted(set(g["cell"].tolist())):
        est.splits[c] = split_for(c, r, settings.min_responses, est.mean_days(c))
    modes = sorted({int(m) for s in est.splits.values() for m in np.flatnonzero(s.share)})
    est.trip_kg = trip_kg(origins, modes, config, factor_of)
    est.once_kg, est.daily_kg = cell_sums(g, est.trip_kg)
    est.hotel_kg_per_night = hotel_factor or 0.0
    est.travel, est.hotels = rows(est, config)
    return est


def spread_unresolved(
    resolved: pd.DataFrame, unresolved: pd.DataFrame, r: Responses
) -> pd.DataFrame:
    """Attendees of an unresolved origin are given the resolved attendees' origins in their
    proportions, type by type (all types' when a type has none resolved; the survey's
    respondents' cells when nobody's origin resolved). Marked `spread` so that the lines and
    the report keep them apart."""
    resolved = resolved.assign(spread=False)
    if unresolved.empty:
        return resolved
    parts = [resolved]
    for t, rows_of_type in unresolved.groupby("type"):
        people = float(rows_of_type["attendees"].sum())
        days = float(rows_of_type["days"].sum())
        base = resolved[resolved["type"] == t]
        if base.empty:
            base = resolved
        if base.empty:
            base = _survey_base(r)
        if base.empty:
            continue  # nothing to spread over: Estimate.unplaced says so
        weight = base["attendees"].to_numpy(dtype=np.float64)
        weight = weight / weight.sum()
        ratio = days / people if people else 1.0
        parts.append(
            pd.DataFrame(
                {
                    "origin": base["origin"].to_numpy(),
                    "type": t,
                    "attendees": people * weight,
                    "days": people * weight * ratio,
                    "row": int(rows_of_type["row"].min()),
                    "cell": base["cell"].to_numpy(),
                    "spread": True,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _survey_base(r: Responses) -> pd.DataFrame:
    """When no attendee's origin resolves (scans without registrations): the respondents'
    origins, in the survey's proportions."""
    if not len(r.origin):
        return pd.DataFrame(columns=["origin", "type", "attendees", "days", "row", "cell"])
    uniq, first, counts = np.unique(r.origin, return_index=True, return_counts=True)
    return pd.DataFrame(
        {"origin": uniq, "attendees": counts.astype(np.float64), "cell": r.cell[first]}
    )


def trip_kg(
    origins: Origins, modes: list[int], config: EventConfig, factor_of: FactorOf
) -> np.ndarray:
    """kgCO2e of one round trip of one person from each resolved origin by each mode used,
    with the distances and factor keys travel.csv rows would get (calc.activities)."""
    n = len(origins.labels)
    out = np.zeros((n, len(MODES)))
    ok = np.flatnonzero(~np.isnan(origins.km))
    if not len(ok) or not modes:
        return out
    o = np.repeat(ok, len(modes))
    m = np.tile(np.array(modes), len(ok))
    frame = pd.DataFrame(
        {
            "_row": np.zeros(len(o), np.int64),
            "origin": pd.Categorical(coordinates(origins)[o]),
            "mode": pd.Categorical(np.array(MODES, dtype=object)[m], categories=MODES),
            "travellers": np.ones(len(o)),
        }
    )
    activity = act.travel_activity(frame, config)
    key = activity["factor_key"].astype(str).to_numpy()
    per_key = {k: factor_of(k) for k in set(key)}
    value = np.array([per_key[k] if per_key[k] is not None else np.nan for k in key])
    out[o, m] = activity["quantity"].to_numpy() * np.nan_to_num(value)
    return out


def coordinates(origins: Origins) -> np.ndarray:
    """Each origin as 'lat,lon' text (what travel_activity resolves without a lookup)."""
    return np.array(
        [f"{a:.6f},{b:.6f}" for a, b in zip(origins.latitude, origins.longitude, strict=True)],
        dtype=object,
    )


def cell_sums(g: pd.DataFrame, trip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell × mode: the kgCO2e if each attendee made one round trip, and if each made one a
    day attended."""
    once = np.zeros((len(CELLS), len(MODES)))
    daily = np.zeros((len(CELLS), len(MODES)))
    cell = g["cell"].to_numpy()
    per_trip = trip[g["origin"].to_numpy()]
    np.add.at(once, cell, per_trip * g["attendees"].to_numpy(dtype=np.float64)[:, None])
    np.add.at(daily, cell, per_trip * g["days"].to_numpy(dtype=np.float64)[:, None])
    return once, daily


def rows(est: Estimate, config: EventConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The travel rows (origin × type × mode, one set for the spread share) and hotel rows."""
    g = est.groups
    parts, hotel_parts = [], []
    for c, s in sorted(est.splits.items()):
        in_cell = g[g["cell"] == c]
        people = in_cell["attendees"].to_numpy(dtype=np.float64)
        days = in_cell["days"].to_numpy(dtype=np.float64)
        trips = s.home * days / np.maximum(people, 1e-300) + (1.0 - s.home)
        for k in np.flatnonzero(s.share):
            parts.append(
                pd.DataFrame(
                    {
                        "_row": in_cell["row"].to_numpy(dtype=np.int64),
                        "origin_code": in_cell["origin"].to_numpy(),
                        "type": in_cell["type"].to_numpy(),
                        "spread": in_cell["spread"].to_numpy(),
                        "cell": c,
                        "mode": MODES[k],
                        "travellers": people * s.share[k] / s.party[k],
                        "round_trips": trips,
                    }
                )
            )
        if BANDS[c % len(BANDS)] != "local" and est.hotels_estimated and s.nights > 0:
            hotel_parts.append(
                pd.DataFrame(
                    {
                        "_row": in_cell["row"].to_numpy(dtype=np.int64),
                        "country": config.venue.country,
                        "room_nights": people * s.nights,
                    }
                )
            )
    travel = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["_row", "origin_code", "type", "spread", "cell", "mode", "travellers",
                 "round_trips"]
    )  # fmt: skip
    where = travel["origin_code"].to_numpy(dtype=np.int64)
    travel["origin"] = pd.Categorical(coordinates(est.origins)[where])
    travel["mode"] = pd.Categorical(travel["mode"].astype(object), categories=MODES)
    travel["group"] = pd.Categorical(
        np.array(TYPES, dtype=object)[travel["type"].to_numpy(dtype=np.int64)]
    )
    travel["quality"] = "estimated"
    hotels = pd.concat(hotel_parts, ignore_index=True) if hotel_parts else pd.DataFrame(
        columns=["_row", "country", "room_nights"]
    )  # fmt: skip
    hotels["quality"] = "estimated"
    return travel, hotels


def origins_shown(est: Estimate, minimum: int) -> list[dict[str, Any]]:
    """Attendees per origin as reports may show them: an origin with fewer than `minimum`
    attendees is merged into its country ('other places, CN'), so that nobody is singled out;
    unresolved origins are one entry."""
    g = est.attendance.groups
    g = g[~g["type"].isin([TYPES.index(t) for t in est.excluded_types])]
    people = g.groupby("origin")["attendees"].sum()
    out: dict[tuple[str, str], list[float]] = {}
    for code, count in people.items():
        o = int(code)  # type: ignore[call-overload]
        if o < 0 or np.isnan(est.origins.km[o]):
            key = ("(unresolved)", "")
            km = np.nan
        elif count >= minimum:
            key = (est.origins.labels[o], est.origins.country[o])
            km = float(est.origins.km[o])
        else:
            country = est.origins.country[o]
            key = (f"(other places, {country})", country)
            km = np.nan
        entry = out.setdefault(key, [0.0, km])
        entry[0] += float(count)
    rows = [
        {
            "origin": k[0],
            "country": k[1],
            "attendees": v[0],
            "km": None if np.isnan(v[1]) else round(v[1], 1),
        }
        for k, v in out.items()
    ]
    return sorted(rows, key=lambda r: (-r["attendees"], r["origin"]))


def summary(
    est: Estimate,
    config: EventConfig,
    *,
    travel_kg: float,
    hotel_kg: float,
) -> dict[str, Any]:
    """What the result and the report say of the estimate (no id, no origin below the
    privacy threshold): its lines' kgCO2e on the claim's basis, with the interval of its
    last bootstrap."""
    att, r = est.attendance, est.responses
    attendees = att.attendees - est.excluded_attendees
    draws = est.draws
    samples = (travel_kg * draws[0] + hotel_kg * draws[1]) / 1000.0
    low, high = np.percentile(samples, [2.5, 97.5]) if len(samples) else (0.0, 0.0)
    bands = []
    for c, s in sorted(est.splits.items()):
        used = np.flatnonzero(s.share)
        shown = sorted(set(used.tolist()) | set(np.flatnonzero(s.high).tolist()))
        bands.append(
            {
                "band": CELLS[c],
                "attendees": float(est.cell_attendees[c]),
                "responses": int((r.cell == c).sum()),
                "split_source": s.source,
                "split_responses": s.responses,
                "split": {MODES[k]: float(s.share[k]) for k in shown},
                "split_low": {MODES[k]: float(s.low[k]) for k in shown},
                "split_high": {MODES[k]: float(s.high[k]) for k in shown},
                "went_home_share": float(s.home),
                "hotel_nights_per_attendee": float(s.nights),
                "party_size": {m: float(s.party[MODES.index(m)]) for m in PARTY_MODES},
            }
        )
    visits = config.visits
    return {
        "method": "registration + survey",
        "source_file": att.source_file,
        "attendees": attendees,
        "visits": att.visits,
        "days_from": att.days_from,
        "duplicates": att.duplicates,
        "no_shows": att.no_shows,
        "unregistered": att.unregistered,
        "survey_responses": r.total,
        "survey_responses_used": len(r.cell),
        "response_rate": r.total / attendees if attendees else None,
        "coverage_of_visits": att.visits / visits if visits else None,
        "unresolved_attendees": est.unresolved,
        "unresolved_share": est.unresolved / attendees if attendees else 0.0,
        "excluded_types": est.excluded_types,
        "excluded_attendees": est.excluded_attendees,
        "min_responses": config.visitor_travel.min_responses,
        "min_origin_count": config.visitor_travel.min_origin_count,
        "travel_tco2e": travel_kg / 1000.0,
        "hotel_tco2e": hotel_kg / 1000.0,
        "sampling_interval": {"low": float(low), "high": float(high)},
        "runs": est.runs,
        "seed": est.seed,
        "bands": bands,
        "origins": origins_shown(est, config.visitor_travel.min_origin_count),
    }
