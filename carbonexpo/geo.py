"""Places and distances, resolved once per distinct origin; great-circle distances vectorised.

An origin is, in this order: "lat,lon"; an IATA code (airportsdata, then the shipped history of
closed and recoded airports: SXF, KIV …); a GeoNames city name in any case, ASCII or Chinese,
optionally as `City, CC` or `City, Region, CC` (region = GeoNames admin-1 code, or an ISO
3166-2 region name or code); an ICAO code (EDDF). Several cities of one name: the most
populous, with the others named in `Place.alternatives` so that the pick is reported."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from carbonexpo.resources import factors_dir

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
IATA = re.compile(r"^[A-Z]{3}$")
ICAO = re.compile(r"^[A-Z]{4}$")
CITY_COUNTRY = re.compile(r"^(.+?),\s*([A-Za-z]{2})$")
CITY_REGION_COUNTRY = re.compile(r"^(.+?),\s*([^,]+?),\s*([A-Za-z]{2})$")
PORT_SUFFIX = re.compile(r"(?i)(\s+(port|harbou?r|seaport)|港)$")
REGION_SUFFIXES = re.compile(
    r"\s+(province|municipality|state|region|prefecture|autonomous region|oblast|county)$"
)


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    country: str  # ISO 3166-1 alpha-2, '' when unknown
    label: str  # what it was matched to, for the audit trail
    alternatives: tuple[str, ...] = ()  # other places of the same name that were passed over
    note: str = ""  # how it was read when that is worth saying (a retired airport code …)
    # that note in the catalog (note.<code>) with its parameters, for every language
    note_code: str = ""
    note_params: tuple[tuple[str, str], ...] = ()

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower().replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


T = TypeVar("T")


def _once(load: Callable[[], T]) -> Callable[[], T]:
    """`load` run once, its value kept; a call while another thread runs it (warm_up's) waits
    for that value instead of loading a second copy (functools.cache alone lets both load:
    the airports were read twice, 7 MB and 0.2 s each)."""
    lock = threading.Lock()
    kept: list[T] = []

    @wraps(load)
    def loaded() -> T:
        if not kept:
            with lock:
                if not kept:
                    kept.append(load())
        return kept[0]

    return loaded


# the text columns of cities.csv, held as Arrow text: 34,000 cities' four names as Python
# objects took 12 MiB of every run that reads a place, as Arrow text 3.5
CITY_TEXT = ("name", "country", "admin1", "zh_names")


@_once
def _cities() -> pd.DataFrame:
    return pd.read_csv(
        factors_dir() / "geo" / "cities.csv",
        dtype=dict.fromkeys(CITY_TEXT, "string[pyarrow]"),
        keep_default_na=False,
        encoding="utf-8",
    )


@_once
def _city_index() -> dict[str, int | tuple[int, ...]]:
    """name (the folded GeoNames name, each Chinese name) -> its row position, or the
    positions of every city of that name, most populous first (a tuple: one list per name took
    11 MiB, most names being one city's). Official names answer first; alternate names only
    when these do not match. Read through _index_hits."""
    cities = _cities()
    order = np.argsort(-cities["population"].to_numpy(), kind="stable")
    index: dict[str, int | tuple[int, ...]] = {}

    def add(name: str, pos: int) -> None:
        have = index.get(name)
        if have is None:
            index[name] = pos
        else:
            index[name] = (have, pos) if isinstance(have, int) else (*have, pos)

    names = cities["name"].to_numpy(dtype=object)[order].tolist()
    zh_names = cities["zh_names"].to_numpy(dtype=object)[order].tolist()
    for pos, name, zh in zip(order.tolist(), names, zh_names, strict=True):
        folded = name.strip().lower() if name.isascii() else _fold(name)  # same, 4x faster
        add(folded, pos)
        if zh:
            for n in set(zh.split("|")) - {folded}:
                add(n, pos)
    return index


def _index_hits(name: str) -> list[int] | None:
    """The rows the official names index holds for `name`, most populous first."""
    hit = _city_index().get(name)
    if hit is None:
        return None
    return [hit] if isinstance(hit, int) else list(hit)


@cache
def _alt_names() -> tuple[pa.Array, np.ndarray]:
    """Each city's GeoNames alternate names, in any language (folded when the set was built),
    as one text '|a|b|…|', most populous first, and its row position. Loaded on the first name
    the official names do not know; searched, not indexed: a dict of every alternate name took
    1.4 s to build, a search of one name takes milliseconds."""
    cities = _cities()
    alt = pacsv.read_csv(
        factors_dir() / "geo" / "alt_names.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={"geonameid": pa.int64(), "alt_names": pa.string()}
        ),
    )
    pos = pd.Series(cities.index, index=cities["geonameid"].to_numpy())
    rows = pos.reindex(alt.column("geonameid").to_numpy()).to_numpy()
    order = np.argsort(-cities["population"].to_numpy()[rows], kind="stable")
    names = pc.binary_join_element_wise("|", alt.column("alt_names").combine_chunks(), "|", "")
    return names.take(pa.array(order)), rows[order].astype(np.int64)


ALT_SEARCHES = 32  # names searched one by one (~17 ms each); from the next on, an index
_alt_searched = 0


def _alt_hits(name: str) -> list[int] | None:
    """Rows with `name` among their alternate names, most populous first (None: none): a
    search for the first ALT_SEARCHES names, then an index of every alternate name (built once,
    1.4 s), for a table of many names only the alternates know."""
    global _alt_searched
    if not name or "|" in name:
        return None
    if _alt_searched >= ALT_SEARCHES:
        return _alt_index().get(name)
    _alt_searched += 1
    names, rows = _alt_names()
    found = pc.match_substring(names, f"|{name}|").to_numpy(zero_copy_only=False)
    return rows[found].tolist() or None


@cache
def _alt_index() -> dict[str, list[int]]:
    """Every alternate name -> its rows, most populous first (what _alt_hits searches)."""
    names, rows = _alt_names()
    index: dict[str, list[int]] = {}
    for row, joined in zip(rows.tolist(), names.to_pylist(), strict=True):
        for n in set(joined[1:-1].split("|")):
            index.setdefault(n, []).append(row)
    return index


def _name_hits(name: str) -> list[int] | None:
    key = _fold(name)
    return (
        _index_hits(key) or _index_hits(name.strip()) or _alt_hits(key) or _alt_hits(name.strip())
    )


def warm_up() -> None:
    """Load the city index and the airports in the background (overlaps with CSV parsing)."""
    global _warming
    if _warming is None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geo")
        _warming = pool.submit(lambda: (_city_index(), _airports()))
        pool.shutdown(wait=False)


_warming: Future | None = None


class Airport(NamedTuple):
    """What a place needs of an airport (airportsdata's record has eleven fields: 7,900 IATA
    airports as dicts took 8 MiB, as these 2)."""

    latitude: float
    longitude: float
    country: str
    name: str


def _load_airports(code_type: Literal["IATA", "ICAO"]) -> dict[str, Airport]:
    import airportsdata

    return {
        code: Airport(float(a["lat"]), float(a["lon"]), str(a["country"]), str(a["name"]))
        for code, a in airportsdata.load(code_type).items()
    }


@_once
def _airports() -> dict[str, Airport]:
    return _load_airports("IATA")


@_once
def _airports_icao() -> dict[str, Airport]:
    return _load_airports("ICAO")


@cache
def _airport_history() -> dict[str, dict[str, str]]:
    table = pd.read_csv(
        factors_dir() / "geo" / "airport_history.csv", dtype=str, keep_default_na=False
    )
    return {
        str(r["code"]): {str(k): str(v) for k, v in r.items()} for r in table.to_dict("records")
    }


@cache
def _regions() -> dict[tuple[str, str], str]:
    """(country, folded region name or ISO 3166-2 code) -> local code (= GeoNames admin-1 where
    the two agree, e.g. US states)."""
    table = pd.read_csv(factors_dir() / "geo" / "regions.csv", dtype=str, keep_default_na=False)
    out: dict[tuple[str, str], str] = {}
    for country, code, local, name in table[["country", "code", "local_code", "name"]].itertuples(
        index=False
    ):
        for key in (_fold(name), REGION_SUFFIXES.sub("", _fold(name)), code.lower()):
            out.setdefault((country, key), local)
    return out


def _in_region(admin1: str, country: str, region: str) -> bool:
    wanted = _fold(region)
    if admin1.lower() == wanted:
        return True
    local = _regions().get((country, wanted)) or _regions().get(
        (country, REGION_SUFFIXES.sub("", wanted))
    )
    return local is not None and local.lower() == admin1.lower()


def _city_label(row: dict[str, Any]) -> str:
    admin = f", {row['admin1']}" if row["admin1"] else ""
    return (
        f"{row['name']}{admin}, {row['country']} (GeoNames {row['geonameid']}, "
        f"pop. {int(row['population']):,})"
    )


def _airport(code: str, a: Airport, note: str = "", note_code: str = "") -> Place:
    return Place(
        a.latitude,
        a.longitude,
        a.country,
        f"{code} {a.name}",
        (),
        note,
        note_code,
        (("airport", code),) if note_code else (),
    )


@cache
def resolve_place(text: str) -> Place | None:
    """One origin string to a place, or None when it resolves nowhere (never a guess)."""
    raw = str(text).strip()
    if not raw:
        return None
    if m := LATLON.match(raw):
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        return Place(lat, lon, nearest_country(lat, lon), f"{lat},{lon}")
    if IATA.match(raw):
        if raw in _airports():
            return _airport(raw, _airports()[raw])
        if old := _airport_history().get(raw):
            return Place(
                float(old["latitude"]),
                float(old["longitude"]),
                old["country"],
                f"{raw} {old['name']}",
                (),
                f"{raw} is a {old['status']} airport code ({old['name']}, until "
                f"{old['until']}: {old['note']})",
                "place_old_airport",
                (
                    ("airport", raw),
                    ("status", str(old["status"])),
                    ("name", str(old["name"])),
                    ("until", str(old["until"])),
                    ("detail", str(old["note"])),
                ),
            )
    city = _resolve_city(raw)
    if city is not None:
        return city
    if ICAO.match(raw) and raw in _airports_icao():
        return _airport(
            raw, _airports_icao()[raw], f"{raw} read as an ICAO airport code", "place_icao"
        )
    return None


def _resolve_city(raw: str) -> Place | None:
    country = region = ""
    name = raw
    if m := CITY_REGION_COUNTRY.match(raw):
        name, region, country = m.group(1), m.group(2).strip(), m.group(3).upper()
    elif m := CITY_COUNTRY.match(raw):
        name, country = m.group(1), m.group(2).upper()
    hits = _name_hits(name)
    read_as = ""
    if not hits and (port := PORT_SUFFIX.sub("", name)) != name:  # 'Shanghai Port', '宁波港'
        hits = _name_hits(port)
        read_as = f"the port read as the city {port.strip()!r}"
    if not hits and "(" in name:  # 'Frankfurt (Main)': the name without its qualifier
        hits = _name_hits(re.sub(r"\s*\(.*?\)\s*", " ", name))
    if not hits:
        return None
    cities = _cities()
    if country:
        hits = [h for h in hits if cities.at[h, "country"] == country]
    note = read_as
    if region and hits:
        in_region = [h for h in hits if _in_region(str(cities.at[h, "admin1"]), country, region)]
        if not in_region:  # GeoNames' admin-1 codes are not ISO 3166-2 outside a few countries
            note = f"region {region!r} not known for {country}; matched by city and country"
        hits = in_region or hits
    if not hits:
        return None
    rows = [{str(k): v for k, v in cities.loc[h].to_dict().items()} for h in hits]
    best = rows[0]
    return Place(
        float(best["latitude"]),
        float(best["longitude"]),
        str(best["country"]),
        _city_label(best),
        tuple(_city_label(r) for r in rows[1:4]),
        note,
    )


def closest_names(text: str, n: int = 3) -> list[str]:
    """Up to n city names that look most like `text` (for "did you mean")."""
    import difflib

    folded = _fold(str(text).split(",")[0])
    return difflib.get_close_matches(folded, list(_city_index()), n=n, cutoff=0.75)


def nearest_country(lat: float, lon: float) -> str:
    cities = _cities()
    d = great_circle_km(lat, lon, cities["latitude"].to_numpy(), cities["longitude"].to_numpy())
    return str(cities["country"].iat[int(np.argmin(d))])


# GeoNames' admin-1 codes of China (admin1CodesASCII.txt, CN.xx) -> ISO 3166-2:CN; checked
# against the shipped cities.csv (each code's most populous city is that province's capital)
CN_ADMIN1_ISO = {
    "01": "CN-34", "02": "CN-33", "03": "CN-36", "04": "CN-32", "05": "CN-22", "06": "CN-63",
    "07": "CN-35", "08": "CN-23", "09": "CN-41", "10": "CN-13", "11": "CN-43", "12": "CN-42",
    "13": "CN-65", "14": "CN-54", "15": "CN-62", "16": "CN-45", "18": "CN-52", "19": "CN-21",
    "20": "CN-15", "21": "CN-64", "22": "CN-11", "23": "CN-31", "24": "CN-14", "25": "CN-37",
    "26": "CN-61", "28": "CN-12", "29": "CN-53", "30": "CN-44", "31": "CN-46", "32": "CN-51",
    "33": "CN-50",
}  # fmt: skip
REGION_SEARCH_KM = 100.0  # a venue farther than this from any city of its country: unknown


@cache
def region_at(lat: float, lon: float, country: str) -> str | None:
    """The ISO 3166-2 province of a point in China, from the nearest city of the shipped
    GeoNames data (None elsewhere, or farther than REGION_SEARCH_KM from any city)."""
    if country != "CN":
        return None
    cities = _cities()
    mine = cities[cities["country"] == country]
    d = great_circle_km(lat, lon, mine["latitude"].to_numpy(), mine["longitude"].to_numpy())
    i = int(np.argmin(d))
    if d[i] > REGION_SEARCH_KM:
        return None
    return CN_ADMIN1_ISO.get(str(mine["admin1"].iat[i]))


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in km; works on scalars and numpy arrays alike."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@cache
def capital_of(country: str) -> str | None:
    """The capital city of a country (GeoNames), for a default venue."""
    table = pd.read_csv(factors_dir() / "geo" / "capitals.csv", keep_default_na=False)
    hit = table.loc[table["country"] == country.upper(), "capital"]
    return str(hit.iloc[0]) if len(hit) else None


# Country names people write that GeoNames' English names do not cover: common English forms and
# Chinese names of the countries most often seen at Chinese trade fairs (facts, spec §10).
COUNTRY_ALIASES = {
    "usa": "US", "united states of america": "US", "america": "US", "uk": "GB",
    "great britain": "GB", "britain": "GB", "england": "GB", "south korea": "KR",
    "korea": "KR", "north korea": "KP", "russia": "RU", "vietnam": "VN", "viet nam": "VN",
    "czechia": "CZ", "uae": "AE", "hong kong": "HK", "macau": "MO", "taiwan": "TW",
    "holland": "NL", "the netherlands": "NL", "turkiye": "TR", "iran": "IR", "laos": "LA",
    "中国": "CN", "中华人民共和国": "CN", "美国": "US", "英国": "GB", "德国": "DE", "法国": "FR",
    "日本": "JP", "韩国": "KR", "俄罗斯": "RU", "意大利": "IT", "西班牙": "ES", "荷兰": "NL",
    "比利时": "BE", "瑞士": "CH", "瑞典": "SE", "挪威": "NO", "丹麦": "DK", "芬兰": "FI",
    "奥地利": "AT", "波兰": "PL", "捷克": "CZ", "匈牙利": "HU", "葡萄牙": "PT", "希腊": "GR",
    "爱尔兰": "IE", "加拿大": "CA", "墨西哥": "MX", "巴西": "BR", "阿根廷": "AR", "智利": "CL",
    "澳大利亚": "AU", "新西兰": "NZ", "印度": "IN", "印度尼西亚": "ID", "印尼": "ID",
    "马来西亚": "MY", "新加坡": "SG", "泰国": "TH", "越南": "VN", "菲律宾": "PH",
    "柬埔寨": "KH", "老挝": "LA", "缅甸": "MM", "孟加拉国": "BD", "巴基斯坦": "PK",
    "哈萨克斯坦": "KZ", "乌兹别克斯坦": "UZ", "吉尔吉斯斯坦": "KG", "蒙古": "MN",
    "沙特阿拉伯": "SA", "阿联酋": "AE", "阿拉伯联合酋长国": "AE", "卡塔尔": "QA", "土耳其": "TR",
    "伊朗": "IR", "以色列": "IL", "埃及": "EG", "南非": "ZA", "尼日利亚": "NG", "肯尼亚": "KE",
    "埃塞俄比亚": "ET", "摩洛哥": "MA", "香港": "HK", "澳门": "MO", "台湾": "TW",
}  # fmt: skip


@cache
def _country_names() -> dict[str, str]:
    table = pd.read_csv(factors_dir() / "geo" / "capitals.csv", keep_default_na=False)
    names = {_fold(str(n)): str(c) for c, n in zip(table["country"], table["name"], strict=True)}
    names.update({_fold(k): v for k, v in COUNTRY_ALIASES.items()})
    return names


# names in the countries' own languages: suggested for an unknown country, never read silently
# ('Deutschland' -> "did you mean DE, Germany?"), since the tables ask for an ISO code or an
# English or Chinese name
COUNTRY_HINTS = {
    "deutschland": "DE", "allemagne": "DE", "alemania": "DE", "germania": "DE",
    "espana": "ES", "españa": "ES", "italia": "IT", "nederland": "NL", "osterreich": "AT",
    "österreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "polska": "PL",
    "sverige": "SE", "norge": "NO", "danmark": "DK", "suomi": "FI", "cesko": "CZ",
    "česko": "CZ", "magyarorszag": "HU", "magyarország": "HU", "hellas": "GR", "ellada": "GR",
    "brasil": "BR", "mexico": "MX", "méxico": "MX", "nippon": "JP", "nihon": "JP",
    "hanguk": "KR", "rossiya": "RU", "bharat": "IN", "zhongguo": "CN", "prc": "CN",
    "deutsch": "DE", "belgique": "BE", "belgie": "BE", "belgië": "BE", "turkey": "TR",
}  # fmt: skip


@cache
def country_names_by_code() -> dict[str, str]:
    """ISO code -> English name (capitals.csv)."""
    table = pd.read_csv(factors_dir() / "geo" / "capitals.csv", keep_default_na=False)
    return {str(c): str(n) for c, n in zip(table["country"], table["name"], strict=True)}


def closest_countries(text: str, n: int = 2) -> list[str]:
    """Up to n 'CODE, Name' suggestions for an unknown country ('Deutschland' -> 'DE, Germany')."""
    import difflib

    folded = _fold(str(text))
    names = country_names_by_code()
    codes: list[str] = []
    if (hint := COUNTRY_HINTS.get(folded)) is not None:
        codes.append(hint)
    known = _country_names()
    for match in difflib.get_close_matches(folded, [*known, *COUNTRY_HINTS], n=n, cutoff=0.7):
        code = known.get(match) or COUNTRY_HINTS[match]
        if code not in codes:
            codes.append(code)
    return [f"{c}, {names[c]}" if c in names else c for c in codes[:n]]


def country_code(text: str) -> tuple[str | None, bool]:
    """(ISO 3166-1 alpha-2 code or None, whether a name was read): 'cn', 'China', '中国' -> CN."""
    raw = str(text).strip()
    codes = set(_country_names().values())
    if len(raw) == 2 and raw.upper() in codes:
        return raw.upper(), False
    code = _country_names().get(_fold(raw))
    return code, code is not None


@dataclass(frozen=True)
class SeaRoute:
    km: float  # along the sea lanes, port area to port area
    inland_start_km: float  # great-circle from the origin to where the lane starts
    inland_end_km: float  # from where the lane ends to the destination


@cache
def sea_route(lat1: float, lon1: float, lat2: float, lon2: float) -> SeaRoute:
    """The shortest route along the sea lanes of the `searoute` package (Eurostat's maritime
    network, shipped in the package: no network access), e.g. Hamburg -> Shanghai 20,079 km
    where the great circle is 8,600 km. Places away from the coast snap to the nearest lane; the
    snapped distance is returned so that the road leg can be reported."""
    import searoute

    route = searoute.searoute([lon1, lat1], [lon2, lat2], units="km")
    coords = route["geometry"]["coordinates"]
    (slon, slat), (elon, elat) = coords[0], coords[-1]
    return SeaRoute(
        float(route["properties"]["length"]),
        float(great_circle_km(lat1, lon1, slat, slon)),
        float(great_circle_km(elat, elon, lat2, lon2)),
    )
