"""The benchmark data generator: a region at a chosen scale, loaded into PostgreSQL with COPY.

Why this shape:

* Rows are generated column-wise with numpy (one vectorised draw per column, strings by indexing
  small pools of Russian words) and streamed with psycopg 3's ``cursor.copy()``; the ORM would
  take hours for ten million votes.
* Secondary indexes of the big tables are dropped before the load and rebuilt after it (one sort
  per index instead of ten million random inserts); the tables are truncated in the same
  transaction, so ``COPY … FREEZE`` writes rows already visible to all, and index-only scans work
  without a first VACUUM. Foreign-key triggers are skipped during the load
  (``session_replication_role = replica``, superuser only); the generator keeps every reference
  valid itself and the unique indexes are rebuilt, which re-checks uniqueness.
* Derived data — the counter tables, ``vote_count``/``comment_count``, ``ProjectCounter``,
  participants — is computed from the loaded rows with ``INSERT … SELECT … GROUP BY`` using the
  same rules as ``appeals/counters.py``, so ``vmeste appeals_recount`` reports no drift.
* Times are relative to ``clock.now()`` and chosen so that the sweep has nothing to catch up on:
  overdue appeals are already marked, answered ones still wait for feedback, closed ones are closed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from vmeste.appeals.counters import BUCKET_BOUNDS
from vmeste.core import clock

from . import words

NULL = "\\N"
DAY = 86400
FULL = {
    "residents": 1_000_000,
    "appeals": 2_000_000,
    "ideas": 200_000,
    "votes": 10_000_000,
    "comments": 1_000_000,
}
SCALES = {"full": 1.0, "small": 0.1, "tiny": 0.0005}
ORGANIZATIONS = 300
CATEGORIES = 50
PROJECTS = 50
DIRECTIONS = 5
DEPARTMENTS = 4
YEARS = 3
SIMILAR_IDEAS = 10_000
VOTE_LIMIT = 10
TOKEN_NAME = "bench"
REGION_SLUG = "bench-region"
VOTE_SLUG = "bench-vote"
SIMILAR_SLUG = "bench-propose"

# Every table the generator fills: emptied (RESTART IDENTITY) in the loading transaction.
TABLES = [
    "accounts_user",
    "account_emailaddress",
    "accounts_apitoken",
    "accounts_role",
    "organizations_district",
    "organizations_organization",
    "appeals_category",
    "appeals_routingrule",
    "appeals_appeal",
    "appeals_answer",
    "appeals_appealnumber",
    "appeals_dailycounter",
    "appeals_answertimecounter",
    "appeals_gaugecounter",
    "ideas_project",
    "ideas_stage",
    "ideas_direction",
    "ideas_idea",
    "ideas_comment",
    "ideas_vote",
    "ideas_voteallowance",
    "ideas_participant",
    "ideas_projectcounter",
]
# Tables big enough that rebuilding their secondary indexes after the load pays off.
BIG_TABLES = [
    "accounts_user",
    "account_emailaddress",
    "appeals_appeal",
    "appeals_answer",
    "ideas_idea",
    "ideas_comment",
    "ideas_vote",
    "ideas_voteallowance",
    "ideas_participant",
]


@dataclass(frozen=True)
class Sizes:
    scale: str
    residents: int
    appeals: int
    ideas: int
    votes: int
    comments: int
    tokens: int
    similar_ideas: int
    vote_ideas: int


def sizes_for(scale: str) -> Sizes:
    """Row counts for ``full``, ``small``, ``tiny`` or a factor such as ``0.002``."""
    factor = SCALES.get(scale)
    if factor is None:
        try:
            factor = float(scale)
        except ValueError:
            raise ValueError(f"unknown scale {scale!r}: full, small, tiny or a number") from None
    if not 0 < factor <= 1:
        raise ValueError("the scale factor must be in (0, 1]")
    n = {key: max(int(value * factor), 1) for key, value in FULL.items()}
    residents = max(n["residents"], 400)
    ideas = max(n["ideas"], 200)
    similar = min(SIMILAR_IDEAS, ideas // 2)
    vote = min(max(ideas // 10, 6000), (ideas - similar) * 2 // 3)
    return Sizes(
        scale=scale,
        residents=residents,
        appeals=max(n["appeals"], 400),
        ideas=ideas,
        votes=n["votes"],
        comments=n["comments"],
        tokens=min(20_000, residents // 5),
        similar_ideas=similar,
        vote_ideas=vote,
    )


def bench_token(user_id: int) -> str:
    """The API key of a load-generator resident: derived, so the token file can be rewritten at any
    time from the database (only hashes are stored) without re-seeding. Bench databases only."""
    secret = os.environ.get("BENCH_TOKEN_SECRET", "vmeste-bench-not-a-secret").encode()
    digest = hmac.new(secret, f"user:{user_id}".encode(), hashlib.sha256).digest()
    return "vm_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


# ---------------------------------------------------------------------------------------------
# Formatting columns for COPY (text format): every value a str, NULL as \N.

_TOD = np.array(
    [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)], dtype=object
)
_EPOCH = dt.datetime(1970, 1, 1)


def ts(values: np.ndarray) -> list[str]:
    """Epoch seconds (negative: NULL) as UTC timestamps, via a day pool and a time-of-day pool."""
    values = np.asarray(values, dtype=np.int64)
    valid = values >= 0
    if not valid.any():
        return [NULL] * len(values)
    base = int(values[valid].min()) // DAY * DAY
    rel = np.where(valid, values - base, 0)
    days = rel // DAY
    pool = np.array(
        [
            (_EPOCH + dt.timedelta(seconds=base + d * DAY)).strftime("%Y-%m-%d")
            for d in range(int(days.max()) + 1)
        ],
        dtype=object,
    )
    out = pool[days] + _TOD[rel % DAY]
    out[~valid] = NULL
    return list(out)


def ints(values: Any, null: np.ndarray | None = None) -> list[str]:
    out = list(map(str, np.asarray(values).tolist()))
    if null is not None:
        for i in np.flatnonzero(null).tolist():
            out[i] = NULL
    return out


def bools(values: np.ndarray) -> list[str]:
    return list(np.where(np.asarray(values, dtype=bool), "t", "f"))


def const(value: str, n: int) -> list[str]:
    return [value] * n


def pick(pool: Sequence[str], index: np.ndarray) -> list[str]:
    return list(np.asarray(pool, dtype=object)[np.asarray(index) % len(pool)])


def copy_rows(cur: Any, table: str, columns: dict[str, list[str]], block: int = 50_000) -> int:
    """Stream equally long string columns into ``table`` with COPY … FREEZE."""
    n = len(next(iter(columns.values())))
    columns = {**columns, **_unlisted_required(cur, table, set(columns), n)}
    names = list(columns)
    data = list(columns.values())
    assert all(len(c) == n for c in data), f"{table}: columns of different lengths"
    quoted = ", ".join(f'"{name}"' for name in names)
    with cur.copy(f"COPY {table} ({quoted}) FROM STDIN WITH (FREEZE)") as copy:
        for start in range(0, n, block):
            rows = zip(*(c[start : start + block] for c in data), strict=True)
            copy.write("".join("\t".join(row) + "\n" for row in rows))
    return n


# Empty values for NOT NULL columns the generator does not know (added by a later migration).
EMPTY_BY_TYPE = {
    "character varying": "",
    "text": "",
    "jsonb": "[]",
    "json": "[]",
    "boolean": "f",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "double precision": "0",
    "numeric": "0",
    "ARRAY": "{}",
}


def _unlisted_required(cur: Any, table: str, listed: set[str], n: int) -> dict[str, list[str]]:
    """Columns that must have a value but are not generated: filled with their type's empty value,
    so that a new field added by another app's migration does not break the load."""
    cur.execute(
        """
        SELECT column_name, data_type FROM information_schema.columns
        WHERE table_name = %s AND table_schema = current_schema()
          AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'
        """,
        [table],
    )
    extra = {}
    for name, data_type in cur.fetchall():
        if name not in listed:
            if data_type not in EMPTY_BY_TYPE:
                raise RuntimeError(f"{table}.{name} ({data_type}) needs a value the seed lacks")
            extra[name] = const(EMPTY_BY_TYPE[data_type], n)
    return extra


def _check_clean(pools: Iterable[Sequence[str]]) -> None:
    for pool in pools:
        for value in pool:
            assert not any(ch in value for ch in "\t\n\\"), value


# ---------------------------------------------------------------------------------------------


class Seeder:
    """One load. ``run()`` does everything in one transaction and returns the timings."""

    def __init__(self, sizes: Sizes, *, log: Callable[[str], None] = print, seed: int = 2026):
        self.s = sizes
        self.log = log
        self.rng = np.random.default_rng(seed)
        self.now = int(clock.now().timestamp())
        self.tz = settings.TIME_ZONE
        # Local dates (appeal numbers) use the offset of today; the counters use the real zone.
        offset = clock.now().astimezone(ZoneInfo(self.tz)).utcoffset()
        self.tz_offset = int(offset.total_seconds()) if offset else 0
        self.timings: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    # -- helpers ------------------------------------------------------------------------------

    def _step(self, name: str, started: float) -> None:
        self.timings[name] = round(time.perf_counter() - started, 2)
        self.log(f"  {name}: {self.timings[name]} s")

    def _copy(self, cur: Any, table: str, columns: dict[str, list[str]]) -> None:
        self.counts[table] = self.counts.get(table, 0) + copy_rows(cur, table, columns)

    # -- the load -----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        _check_clean(
            [
                words.APPEAL_PROBLEMS,
                words.ANSWER_TEXTS,
                words.COMMENTS,
                words.IDEA_TOPICS,
                words.CATEGORY_NAMES,
            ]
        )
        started_all = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = bool(cur.fetchone()[0])
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cur.execute("SET LOCAL synchronous_commit = off")
            if superuser:
                cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            dropped = self._drop_indexes(cur)
            t = time.perf_counter()
            self._organizations(cur)
            self._step("organizations, districts, categories", t)
            t = time.perf_counter()
            self._users(cur)
            self._step("users, e-mail addresses, tokens", t)
            t = time.perf_counter()
            self._appeals(cur)
            self._step("appeals and answers", t)
            t = time.perf_counter()
            self._ideas(cur)
            self._step("projects, ideas, votes, comments", t)
            t = time.perf_counter()
            for sql in dropped:
                cur.execute(sql)
            self._step("indexes", t)
            t = time.perf_counter()
            self._derived(cur)
            self._sequences(cur)
            self._step("counters and sequences", t)
            if superuser:
                cur.execute("SET LOCAL session_replication_role = origin")
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        self._step("analyze", t)
        from vmeste.appeals.counters import _bump_version

        _bump_version()
        total = round(time.perf_counter() - started_all, 1)
        self.log(f"seeded scale {self.s.scale} in {total} s")
        return {
            "scale": self.s.scale,
            "sizes": asdict(self.s),
            "seconds": total,
            "timings": self.timings,
            "rows": self.counts,
        }

    def _drop_indexes(self, cur: Any) -> list[str]:
        """Drop the secondary indexes of the big tables; return the statements recreating them."""
        recreate = []
        for table in BIG_TABLES:
            cur.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = %s::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """,
                [table],
            )
            for name, definition in cur.fetchall():
                cur.execute(f"DROP INDEX {name}")
                recreate.append(definition)
        return recreate

    # -- organizations ------------------------------------------------------------------------

    def _organizations(self, cur: Any) -> None:
        rng = self.rng
        districts = words.DISTRICTS
        self.n_districts = len(districts)
        self._copy(
            cur,
            "organizations_district",
            {
                "id": ints(np.arange(1, len(districts) + 1)),
                "name": [f"{name} район" for name in districts],
                "slug": [f"bench-district-{i + 1}" for i in range(len(districts))],
                "boundary": const(NULL, len(districts)),
            },
        )
        n = ORGANIZATIONS
        ids = np.arange(1, n + 1)
        kind = np.array(["institution"] * n, dtype=object)
        kind[0] = "region"
        kind[1 : 1 + DEPARTMENTS] = "department"
        kind[1 + DEPARTMENTS] = "governance_centre"
        parent = np.where(ids <= 1 + DEPARTMENTS + 1, 1, 2 + (ids % DEPARTMENTS))
        parent_null = ids == 1
        first_inst = 2 + DEPARTMENTS + 1  # 7
        names, short, types, slugs, addresses = [], [], [], [], []
        departments = [
            "Министерство культуры Приозёрского края",
            "Управление культуры г. Приозёрска",
            "Комитет по туризму и наследию",
            "Департамент молодёжной политики",
        ]
        for i in range(1, n + 1):
            if i == 1:
                names.append("Правительство Приозёрского края")
                short.append("Правительство края")
                types.append("")
                slugs.append(REGION_SLUG)
            elif i <= 1 + DEPARTMENTS:
                names.append(departments[i - 2])
                short.append(departments[i - 2].split(" ")[0])
                types.append("")
                slugs.append(f"bench-department-{i}")
            elif i == first_inst - 1:
                names.append("Центр управления регионом")
                short.append("ЦУР")
                types.append("")
                slugs.append("bench-cur")
            else:
                code, abbr, titles = words.INSTITUTION_KINDS[i % len(words.INSTITUTION_KINDS)]
                title = titles[i % len(titles)]
                quoted = words.QUOTED[i % len(words.QUOTED)]
                full = f"{title} «{quoted}»" if i % 3 else f"{title} № {i}"
                names.append(f"МБУК «{full}»" if i % 5 == 0 else full)
                short.append(f"{abbr} «{quoted}» {i}")
                types.append(code)
                slugs.append(f"bench-{code.replace('_', '-')}-{i}")
            addresses.append(f"{words.STREETS[i % len(words.STREETS)]}, д. {1 + i % 97}")
        paths = [
            "/1/" if i == 1 else f"/1/{i}/" if parent[i - 1] == 1 else f"/1/{parent[i - 1]}/{i}/"
            for i in range(1, n + 1)
        ]
        lat = 56.9 + rng.random(n) * 0.5
        lon = 40.5 + rng.random(n) * 1.0
        district = 1 + ids % self.n_districts
        self._copy(
            cur,
            "organizations_organization",
            {
                "id": ints(ids),
                "name": names,
                "short_name": short,
                "slug": slugs,
                "kind": list(kind),
                "institution_type": types,
                "path": paths,
                "description": const("Учреждение культуры Приозёрского края.", n),
                "address": addresses,
                "latitude": [f"{v:.6f}" for v in lat],
                "longitude": [f"{v:.6f}" for v in lon],
                "phone": [
                    f"+7 (4932) {30 + i % 60:02d}-{i % 100:02d}-{(i * 7) % 100:02d}" for i in ids
                ],
                "email": [f"org{i}@kultura.example" for i in ids],
                "website": const("", n),
                "opening_hours": const("Вт–Вс 10:00–18:00", n),
                "is_active": const("t", n),
                "district_id": ints(district, null=ids < first_inst),
                "parent_id": ints(parent, null=parent_null),
            },
        )
        self.org_parent = np.concatenate([[0], parent])  # by id; 0 unused
        self.org_parent[1] = 0
        self.org_district = np.concatenate([[0], district])
        self.institutions = np.arange(first_inst, n + 1)
        # Categories, each with a department answering by default and a routing rule.
        c = CATEGORIES
        cid = np.arange(1, c + 1)
        self.category_dept = 2 + (cid % DEPARTMENTS)
        self.category_days = np.where(cid % 7 == 0, 30, 8)
        self.category_requires_institution = cid % 10 == 3
        self._copy(
            cur,
            "appeals_category",
            {
                "id": ints(cid),
                "name": words.CATEGORY_NAMES[:c],
                "slug": [f"bench-category-{i}" for i in cid],
                "description": const("", c),
                "deadline_days": ints(self.category_days),
                "deadline_hours": [("24" if i == 9 else NULL) for i in cid],
                "requires_photo": const("f", c),
                "requires_place": const("f", c),
                "requires_institution": bools(self.category_requires_institution),
                "is_public": bools(cid % 16 != 0),
                "position": ints(cid),
                "is_active": const("t", c),
                "default_organization_id": ints(self.category_dept),
                "parent_id": const(NULL, c),
            },
        )
        self.category_public = cid % 16 != 0
        self._copy(
            cur,
            "appeals_routingrule",
            {
                "id": ints(cid),
                "institution_type": const("", c),
                "is_active": const("t", c),
                "note": const("", c),
                "category_id": ints(cid),
                "district_id": const(NULL, c),
                "institution_id": const(NULL, c),
                "organization_id": ints(self.category_dept),
            },
        )

    # -- people ---------------------------------------------------------------------------------

    def _users(self, cur: Any) -> None:
        rng = self.rng
        staff = ORGANIZATIONS
        total = staff + self.s.residents
        ids = np.arange(1, total + 1)
        self.staff_count = staff
        self.resident_first = staff + 1
        self.token_first = total - self.s.tokens + 1
        female = rng.random(total) < 0.55
        fm = rng.integers(0, len(words.FIRST_NAMES_M), total)
        ff = rng.integers(0, len(words.FIRST_NAMES_F), total)
        li = rng.integers(0, len(words.LAST_NAMES), total)
        first_m = np.asarray(words.FIRST_NAMES_M, dtype=object)
        first_f = np.asarray(words.FIRST_NAMES_F, dtype=object)
        last = np.asarray(words.LAST_NAMES, dtype=object)
        last_f = np.asarray([name + "а" for name in words.LAST_NAMES], dtype=object)
        first = np.where(female, first_f[ff], first_m[fm])
        surname = np.where(female, last_f[li], last[li])
        tr_first_m = np.asarray(
            [n.lower().translate(words.TRANSLIT) for n in words.FIRST_NAMES_M], dtype=object
        )
        tr_first_f = np.asarray(
            [n.lower().translate(words.TRANSLIT) for n in words.FIRST_NAMES_F], dtype=object
        )
        tr_last = np.asarray(
            [n.lower().translate(words.TRANSLIT) for n in words.LAST_NAMES], dtype=object
        )
        tr_first = np.where(female, tr_first_f[ff], tr_first_m[fm])
        id_str = np.asarray(list(map(str, ids.tolist())), dtype=object)
        domain = np.asarray(words.MAIL_DOMAINS, dtype=object)[ids % len(words.MAIL_DOMAINS)]
        email = (
            tr_first + "." + tr_last[li] + np.where(female, "a", "") + "." + id_str + "@" + domain
        )
        email[:staff] = np.asarray(
            [f"staff{i}@kultura.example" for i in range(1, staff + 1)], dtype=object
        )
        initial = np.asarray([s[0] + "." for s in words.LAST_NAMES], dtype=object)[li]
        display = np.where(rng.random(total) < 0.4, first + " " + initial, "")
        phone_digits = rng.integers(0, 10**7, total)
        phone = np.where(
            rng.random(total) < 0.3,
            np.asarray(
                [
                    f"+7 9{d % 100:02d} {d // 100 % 1000:03d}-{d % 97:02d}-{d % 89:02d}"
                    for d in phone_digits.tolist()
                ],
                dtype=object,
            ),
            "",
        )
        district = 1 + rng.integers(0, self.n_districts, total)
        no_district = rng.random(total) < 0.3
        joined = self.now - (rng.random(total) * YEARS * 365 * DAY).astype(np.int64) - DAY
        self._copy(
            cur,
            "accounts_user",
            {
                "id": ints(ids),
                "password": const("!bench", total),
                "last_login": const(NULL, total),
                "is_superuser": bools(ids == 1),
                "email": list(email),
                "display_name": list(display),
                "first_name": list(first),
                "last_name": list(surname),
                "phone": list(phone),
                "notifications_off": const("{}", total),
                "language": const("ru", total),
                "is_active": const("t", total),
                "is_staff": bools(ids == 1),
                "is_platform_admin": bools(ids == 1),
                "date_joined": ts(joined),
                "anonymized_at": const(NULL, total),
                "district_id": ints(district, null=no_district),
            },
        )
        verified = (rng.random(total) < 0.95) | (ids <= staff) | (ids >= self.token_first)
        self._copy(
            cur,
            "account_emailaddress",
            {
                "id": ints(ids),
                "email": list(email),
                "verified": bools(verified),
                "primary": const("t", total),
                "user_id": ints(ids),
            },
        )
        token_users = np.arange(self.token_first, total + 1)
        keys = [bench_token(int(u)) for u in token_users]
        self._copy(
            cur,
            "accounts_apitoken",
            {
                "id": ints(np.arange(1, len(keys) + 1)),
                "name": const(TOKEN_NAME, len(keys)),
                "key_hash": [hashlib.sha256(k.encode()).hexdigest() for k in keys],
                "prefix": [k[:10] for k in keys],
                "created_at": ts(np.full(len(keys), self.now - DAY)),
                "last_used_at": const(NULL, len(keys)),
                "revoked_at": const(NULL, len(keys)),
                "user_id": ints(token_users),
            },
        )
        # Staff user i works in organization i: executors in institutions, supervisors and
        # moderators in departments, the admin (user 1) holds the region.
        rows: list[tuple[int, int, str]] = []
        for i in range(1, staff + 1):
            if i == 1:
                rows.append((i, i, "project_admin"))
            elif i <= 1 + DEPARTMENTS:
                rows += [(i, i, "supervisor"), (i, i, "moderator"), (i, i, "project_admin")]
            elif i == 2 + DEPARTMENTS:
                rows.append((i, i, "operator"))
            else:
                rows.append((i, i, "executor"))
        self._copy(
            cur,
            "accounts_role",
            {
                "id": ints(np.arange(1, len(rows) + 1)),
                "user_id": [str(r[0]) for r in rows],
                "organization_id": [str(r[1]) for r in rows],
                "kind": [r[2] for r in rows],
                "granted_at": ts(np.full(len(rows), self.now - 400 * DAY)),
                "granted_by_id": const(NULL, len(rows)),
            },
        )
        self.residents_pool = np.arange(self.resident_first, self.token_first)

    def _residents(self, n: int) -> np.ndarray:
        """Residents who act in the seeded history (the token holders are kept fresh)."""
        return self.rng.choice(self.residents_pool, n)

    # -- appeals --------------------------------------------------------------------------------

    def _local_day_start(self, moments: np.ndarray) -> np.ndarray:
        local = moments + self.tz_offset
        return local - local % DAY - self.tz_offset

    def _appeals(self, cur: Any) -> None:
        rng = self.rng
        n = self.s.appeals
        now = self.now
        span = YEARS * 365 * DAY
        moments = now - span + (span * rng.random(n) ** 0.75).astype(np.int64)
        tod = np.clip(rng.normal(13.5 * 3600, 3.5 * 3600, n), 7 * 3600, 23.5 * 3600).astype(
            np.int64
        )
        created = np.minimum(self._local_day_start(moments) + tod, now - 120)
        created.sort()
        ids = np.arange(1, n + 1)
        weights = 1 / (np.arange(CATEGORIES) + 3.0)
        category = 1 + rng.choice(CATEGORIES, n, p=weights / weights.sum())
        has_inst = (rng.random(n) < 0.7) | self.category_requires_institution[category - 1]
        institution = rng.choice(self.institutions, n)
        organization = np.where(has_inst, institution, self.category_dept[category - 1])
        district = np.where(
            has_inst, self.org_district[institution], 1 + rng.integers(0, self.n_districts, n)
        )
        no_district = ~has_inst & (rng.random(n) < 0.1)
        author = self._residents(n)
        age = now - created
        r = rng.random(n)
        rejected = r < 0.04
        redirected = (r >= 0.04) & (r < 0.06)
        returned = (r >= 0.06) & (r < 0.07)
        accepted = r >= 0.07
        submitted = accepted & (age < DAY) & (rng.random(n) < 0.5)
        registered_flow = accepted & ~submitted
        registered_at = created + rng.integers(1800, 20 * 3600, n)
        due = registered_at + (self.category_days[category - 1] * 1.4 * DAY).astype(np.int64)
        due = np.where(category == 9, registered_at + 2 * DAY, due)
        delay = np.minimum(rng.lognormal(np.log(5 * DAY), 0.6, n), 120 * DAY).astype(np.int64)
        answered_at = registered_at + delay
        answered = registered_flow & (answered_at <= now - 60)
        in_work = registered_flow & ~answered
        recent = answered & (answered_at > now - 15 * DAY)
        closed = answered & ~recent
        confirmed = closed & (rng.random(n) < 0.35)
        disputed = closed & (rng.random(n) < 0.06)
        on_time = answered_at <= due
        working = (delay * 40 / 168).astype(np.int64)
        status = np.full(n, "submitted", dtype=object)
        status[rejected] = "rejected"
        status[redirected] = "redirected"
        status[returned] = "returned"
        w = rng.random(n)
        work_status = np.select(
            [w < 0.05, w < 0.35, w < 0.85, w < 0.9, w < 0.98],
            ["registered", "assigned", "in_progress", "clarification", "answer_review"],
            "reopened",
        )
        status[in_work] = work_status[in_work]
        status[recent] = "answered"
        status[closed] = np.where(confirmed[closed], "closed_confirmed", "closed_auto")
        reopened = status == "reopened"
        # Reopened appeals were answered once, disputed, and wait for a second answer.
        answered_any = answered | reopened
        answered_at = np.where(reopened, registered_at + delay // 3, answered_at)
        answered_at = np.minimum(answered_at, now - 60)
        dispute_count = (disputed | reopened).astype(int)
        clarification = status == "clarification"
        overdue = in_work & ~clarification & (due < now)
        closed_at = np.where(
            confirmed,
            answered_at + rng.integers(3600, 10 * DAY, n),
            answered_at + 15 * DAY,
        )
        closed_at = np.where(
            rejected | redirected, created + rng.integers(7200, 30 * 3600, n), closed_at
        )
        closed_at = np.where(closed | rejected | redirected, np.minimum(closed_at, now - 60), -1)
        rating = np.where(
            confirmed, rng.choice([3, 4, 5, 5, 5], n), np.where(disputed, rng.choice([1, 2], n), 0)
        )
        registered = registered_flow
        local_year = (created + self.tz_offset).astype("datetime64[s]").astype(
            "datetime64[Y]"
        ).astype(int) + 1970
        years, first_index, counts = np.unique(local_year, return_index=True, return_counts=True)
        seq = ids - 1 - first_index[np.searchsorted(years, local_year)] + 1
        number = [f"{y}-{q:06d}" for y, q in zip(local_year.tolist(), seq.tolist(), strict=True)]
        texts = words.appeal_texts(2000)
        text = pick(texts, rng.integers(0, len(texts), n))
        street = rng.integers(0, len(words.STREETS), n)
        has_address = rng.random(n) < 0.6
        addresses = np.where(
            has_address,
            np.asarray(words.STREETS, dtype=object)[street]
            + ", д. "
            + np.asarray(list(map(str, (1 + street * 7 % 120).tolist())), dtype=object),
            "",
        )
        has_point = rng.random(n) < 0.4
        lat = 56.9 + rng.random(n) * 0.5
        lon = 40.5 + rng.random(n) * 1.0
        source = rng.choice(["web"] * 14 + ["api"] * 3 + ["phone"] * 2 + ["signal"], n)
        parents = self.org_parent[organization]
        self._copy(
            cur,
            "appeals_appeal",
            {
                "id": ints(ids),
                "number": number,
                "address": list(addresses),
                "latitude": ints(np.round(lat, 6), null=~has_point),
                "longitude": ints(np.round(lon, 6), null=~has_point),
                "text": text,
                "public_text": text,
                "is_masked_by_ner": const("t", n),
                "status": list(status),
                "source": list(source),
                "idempotency_key": const("", n),
                "contact_phone": const("", n),
                "created_at": ts(created),
                "registered_at": ts(np.where(registered, registered_at, -1)),
                "due_at": ts(np.where(registered, due, -1)),
                "remind_at": const(NULL, n),
                "reminded_at": const(NULL, n),
                "extended_at": const(NULL, n),
                "overdue_at": ts(np.where(overdue, due, -1)),
                "paused_at": ts(
                    np.where(clarification, np.maximum(registered_at, now - 2 * DAY), -1)
                ),
                "paused_seconds": const("0", n),
                "answered_at": ts(np.where(answered_any, answered_at, -1)),
                "is_answered_on_time": [
                    NULL if not a else ("t" if o else "f")
                    for a, o in zip(answered_any.tolist(), on_time.tolist(), strict=True)
                ],
                "answer_working_seconds": ints(working, null=~answered_any),
                "feedback_due_at": ts(np.where(recent, answered_at + 15 * DAY, -1)),
                "closed_at": ts(closed_at),
                "dispute_count": ints(dispute_count),
                "rating": ints(rating, null=rating == 0),
                "moderation_note": [
                    ("Уточните, пожалуйста, адрес." if x else "") for x in returned.tolist()
                ],
                "redirected_to": [
                    ("Администрация района" if x else "") for x in redirected.tolist()
                ],
                "author_id": ints(author),
                "district_id": ints(district, null=no_district),
                "escalated_to_id": ints(parents, null=~overdue | (parents == 0)),
                "institution_id": ints(institution, null=~has_inst),
                "organization_id": ints(organization),
                "category_id": ints(category),
                "external_id": const("", n),
                "external_source": const("", n),
            },
        )
        self._copy(
            cur,
            "appeals_appealnumber",
            {"year": ints(years), "last": ints(counts)},
        )
        # One approved answer per answered appeal, by the organization's executor (staff id = org).
        a_ids = np.flatnonzero(answered_any) + 1
        m = len(a_ids)
        a_at = answered_at[a_ids - 1]
        a_org = organization[a_ids - 1]
        reviewer = np.maximum(self.org_parent[a_org], 1)
        self._copy(
            cur,
            "appeals_answer",
            {
                "id": ints(np.arange(1, m + 1)),
                "text": pick(words.ANSWER_TEXTS, rng.integers(0, len(words.ANSWER_TEXTS), m)),
                "planned_on": const(NULL, m),
                "state": const("approved", m),
                "brushoff_score": [f"{v:.2f}" for v in (rng.random(m) * 0.3).tolist()],
                "brushoff_reasons": const("[]", m),
                "created_at": ts(a_at - 7200),
                "reviewed_at": ts(a_at),
                "review_comment": const("", m),
                "published_at": ts(a_at),
                "author_id": ints(a_org),
                "organization_id": ints(a_org),
                "reviewed_by_id": ints(reviewer),
                "appeal_id": ints(a_ids),
            },
        )

    # -- ideas ----------------------------------------------------------------------------------

    def _project_kinds(self) -> list[str]:
        cycle = ["finished", "finished", "finished", "results", "review", "improve", "finished",
                 "finished", "upcoming", "finished"]  # fmt: skip
        return ["vote", "propose"] + [cycle[i % len(cycle)] for i in range(2, PROJECTS)]

    def _stages(self, kind: str, offset: int) -> list[tuple[str, int, int | None]]:
        d = DAY
        o = offset
        plans: dict[str, list[tuple[str, int, int | None]]] = {
            "vote": [("propose", -120, -90), ("review", -90, -60), ("improve", -60, -30),
                     ("vote", -10, 20), ("results", 20, None), ("implementation", 40, None)],
            "propose": [("propose", -20, 30), ("review", 30, 50), ("vote", 60, 80),
                        ("results", 80, None), ("implementation", 100, None)],
            "finished": [("propose", -o - 150, -o - 120), ("review", -o - 120, -o - 90),
                         ("vote", -o - 60, -o - 30), ("results", -o - 30, None),
                         ("implementation", -o, None)],
            "results": [("propose", -150, -120), ("review", -120, -90), ("vote", -60, -20),
                        ("results", -20, None), ("implementation", 30, None)],
            "review": [("propose", -60, -10), ("review", -10, 20), ("vote", 30, 50),
                       ("results", 50, None), ("implementation", 80, None)],
            "improve": [("propose", -90, -60), ("review", -60, -30), ("improve", -30, 10),
                        ("vote", 10, 30), ("results", 30, None), ("implementation", 60, None)],
            "upcoming": [("propose", 10, 40), ("review", 40, 60), ("vote", 60, 80),
                         ("results", 80, None), ("implementation", 100, None)],
        }  # fmt: skip
        return [
            (k, self.now + a * d, None if b is None else self.now + b * d)
            for k, a, b in plans[kind]
        ]

    STATUS_MIX: dict[str, list[tuple[str, float]]] = {
        "vote": [("shortlisted", 0.45), ("not_selected", 0.33), ("rejected", 0.1),
                 ("withdrawn", 0.03), ("draft", 0.09)],
        "propose": [("published", 0.78), ("submitted", 0.12), ("draft", 0.06), ("rejected", 0.03),
                    ("withdrawn", 0.01)],
        "finished": [("pool", 0.45), ("not_selected", 0.3), ("rejected", 0.12), ("draft", 0.08),
                     ("withdrawn", 0.05)],
        "review": [("published", 0.75), ("submitted", 0.12), ("rejected", 0.08), ("draft", 0.05)],
        "improve": [("shortlisted", 0.5), ("not_selected", 0.3), ("rejected", 0.1), ("draft", 0.1)],
    }  # fmt: skip

    def _ideas(self, cur: Any) -> None:
        rng = self.rng
        kinds = self._project_kinds()
        p = len(kinds)
        pid = np.arange(1, p + 1)
        offsets = rng.integers(60, 900, p)
        stages = [self._stages(k, int(o)) for k, o in zip(kinds, offsets.tolist(), strict=True)]
        # How many ideas each project has.
        sizes = np.zeros(p, dtype=np.int64)
        sizes[0], sizes[1] = self.s.vote_ideas, self.s.similar_ideas
        rest = self.s.ideas - sizes[0] - sizes[1]
        open_ = np.array([k not in {"vote", "propose", "upcoming"} for k in kinds])
        weights = np.where(open_, rng.lognormal(0, 0.7, p), 0)
        share = np.floor(rest * weights / weights.sum()).astype(np.int64)
        share[np.flatnonzero(open_)[0]] += rest - share.sum()
        sizes += share
        limits = np.where(pid == 1, VOTE_LIMIT, rng.integers(3, 11, p))
        themes = ["Культура онлайн", "Музеи края. Будущее", "Библиотеки нового поколения",
                  "Парки для всех", "Театр рядом", "Доступная культура", "Культурный код края",
                  "Летний фестиваль", "Школы искусств", "Наследие района"]  # fmt: skip
        titles = [f"{themes[i % len(themes)]} — {2024 + i % 3}, выпуск {i + 1}" for i in range(p)]
        titles[0], titles[1] = "Культура онлайн: голосование", "Идеи для библиотек"
        slugs = [VOTE_SLUG, SIMILAR_SLUG, *[f"bench-{k}-{i + 1}" for i, k in enumerate(kinds)][2:]]
        announced = [
            (st[3][1] if k in {"finished", "results"} else -1)
            for k, st in zip(kinds, stages, strict=True)
        ]
        self._copy(
            cur,
            "ideas_project",
            {
                "id": ints(pid),
                "title": titles,
                "slug": slugs,
                "summary": const("Предложите, как сделать культуру края ближе к жителям.", p),
                "description": const(
                    "Проект краудсорсинга министерства культуры. Предлагайте идеи, обсуждайте и голосуйте.",
                    p,
                ),
                "cover": const("", p),
                "ideas_per_participant": const("3", p),
                "votes_per_participant": ints(limits),
                "participation": const("everyone", p),
                "winner_rule": const("top_overall", p),
                "winners_count": const("5", p),
                "is_published": const("t", p),
                "results_announced_at": ts(np.array(announced)),
                "created_at": ts(np.array([st[0][1] - 10 * DAY for st in stages])),
                "organizer_id": ints(2 + pid % DEPARTMENTS),
            },
        )
        stage_rows = [(i + 1, k, a, b) for i, st in enumerate(stages) for k, a, b in st]
        self._copy(
            cur,
            "ideas_stage",
            {
                "id": ints(np.arange(1, len(stage_rows) + 1)),
                "kind": [r[1] for r in stage_rows],
                "starts_at": ts(np.array([r[2] for r in stage_rows])),
                "ends_at": ts(np.array([-1 if r[3] is None else r[3] for r in stage_rows])),
                "project_id": [str(r[0]) for r in stage_rows],
            },
        )
        direction_names = ["Доступная культура", "Цифровые сервисы", "Пространства", "События",
                           "Дети и молодёжь"]  # fmt: skip
        nd = p * DIRECTIONS
        self._copy(
            cur,
            "ideas_direction",
            {
                "id": ints(np.arange(1, nd + 1)),
                "name": [direction_names[i % DIRECTIONS] for i in range(nd)],
                "description": const("", nd),
                "position": ints(np.arange(nd) % DIRECTIONS),
                "project_id": ints(1 + np.arange(nd) // DIRECTIONS),
            },
        )
        # Ideas, project by project (ids consecutive within a project).
        n = int(sizes.sum())
        project = np.repeat(pid, sizes)
        status = np.empty(n, dtype=object)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        for i, kind in enumerate(kinds):
            if not sizes[i]:
                continue
            mix = self.STATUS_MIX["finished" if kind == "results" else kind]
            names = [m[0] for m in mix]
            probs = np.array([m[1] for m in mix])
            status[starts[i] : starts[i] + sizes[i]] = rng.choice(
                names, sizes[i], p=probs / probs.sum()
            )
        propose_start = np.array([st[0][1] for st in stages])[project - 1]
        propose_end = np.array([st[0][2] for st in stages])[project - 1]
        created = propose_start + (
            rng.random(n)
            * np.maximum(np.minimum(propose_end, self.now) - propose_start - 3 * DAY, DAY)
        ).astype(np.int64)
        # Votes: active and finished votings; ideas picked with a skewed popularity.
        vote_projects = [
            i for i, k in enumerate(kinds) if k in {"vote", "finished", "results"} and sizes[i]
        ]
        pools = {
            i: np.flatnonzero(
                status[starts[i] : starts[i] + sizes[i]]
                == ("shortlisted" if kinds[i] == "vote" else "pool")
            )
            + starts[i]
            for i in vote_projects
        }
        pool_total = sum(len(v) for v in pools.values()) or 1
        v_ideas, v_users, v_at, allowances = [], [], [], []
        for i in vote_projects:
            pool = pools[i]
            if not len(pool):
                continue
            budget = int(self.s.votes * len(pool) / pool_total)
            limit = int(min(limits[i], len(pool)))
            k_mean = (1 + limit) / 2
            m = int(min(max(budget / k_mean, 1), len(self.residents_pool) * 0.9))
            users = rng.choice(self.residents_pool, m, replace=False)
            # When residents are scarce (small scales), each voter uses more of the allowance.
            k = np.clip(np.rint(rng.normal(budget / m, 1.5, m)), 1, limit).astype(np.int64)
            popularity = 1 / (np.arange(len(pool)) + 5.0) ** 0.9
            base = rng.choice(len(pool), m, p=popularity / popularity.sum())
            total = int(k.sum())
            owner = np.repeat(np.arange(m), k)
            j = np.arange(total) - np.repeat(np.cumsum(k) - k, k)
            v_ideas.append(pool[(base[owner] + j) % len(pool)] + 1)
            v_users.append(users[owner])
            vote_start, vote_end = stages[i][[s[0] for s in stages[i]].index("vote")][1:]
            end = min(vote_end or self.now, self.now - 60)
            v_at.append(
                vote_start + (rng.random(total) * max(end - vote_start, 60)).astype(np.int64)
            )
            allowances.append((i + 1, users, k, int(limits[i])))
        idea_of_vote = np.concatenate(v_ideas) if v_ideas else np.zeros(0, dtype=np.int64)
        vote_count = np.bincount(idea_of_vote, minlength=n + 1)[1:]
        # Finished votings: the pool becomes winners (top five by votes) and the others.
        rank = np.zeros(n, dtype=np.int64)
        for i in vote_projects:
            pool = pools[i]
            if kinds[i] == "vote" or not len(pool):
                continue
            order = pool[np.argsort(-vote_count[pool], kind="stable")]
            rank[order] = np.arange(1, len(order) + 1)
            status[order] = "not_winner"
            status[order[:5]] = "winner"
        public = np.isin(
            status, ["published", "shortlisted", "not_selected", "merged", "winner", "not_winner"]
        )
        non_draft = status != "draft"
        submitted_at = created + 3600
        published_at = submitted_at + DAY
        scored = np.isin(status, ["shortlisted", "not_selected", "winner", "not_winner"])
        implementation = np.where(
            (status == "winner") & np.isin(project, pid[np.array(kinds) == "finished"]),
            rng.choice(["planned", "in_progress", "done", "done"], n),
            "",
        )
        progress = np.select(
            [implementation == "done", implementation == "in_progress"], [100, 50], 0
        )
        has_inst = rng.random(n) < 0.6
        institution = rng.choice(self.institutions, n)
        direction = (project - 1) * DIRECTIONS + 1 + rng.integers(0, DIRECTIONS, n)
        sim_titles, sim_texts = words.idea_texts(min(n, 20_000))
        which = rng.integers(0, len(sim_titles), n)
        author = self._residents(n)
        ids = np.arange(1, n + 1)
        # Comments on public ideas, more on popular ones; replies chain up to depth 3.
        c = self.s.comments
        public_ids = np.flatnonzero(public)
        cw = vote_count[public_ids] + 5.0
        c_idea = (
            np.sort(rng.choice(public_ids, c, p=cw / cw.sum())) + 1
            if len(public_ids)
            else np.zeros(0, dtype=np.int64)
        )
        c = len(c_idea)
        comment_count = np.bincount(c_idea, minlength=n + 1)[1:]
        c_at = np.minimum(
            published_at[c_idea - 1] + np.sort(rng.integers(600, 30 * DAY, c)), self.now - 60
        )
        order = np.lexsort((c_at, c_idea))
        c_idea, c_at = c_idea[order], c_at[order]
        c_ids = np.arange(1, c + 1)
        first_of_idea = np.ones(c, dtype=bool)
        first_of_idea[1:] = c_idea[1:] != c_idea[:-1]
        reply = (rng.random(c) < 0.25) & ~first_of_idea
        while True:
            last_root = np.maximum.accumulate(np.where(~reply, c_ids, 0))
            run = c_ids - last_root
            too_deep = run >= 3
            if not too_deep.any():
                break
            reply &= ~too_deep
        depth = run + 1
        hidden = rng.random(c) < 0.005
        self._copy(
            cur,
            "ideas_idea",
            {
                "id": ints(ids),
                "title": pick(sim_titles, which),
                "text": pick(sim_texts, which),
                "status": list(status),
                "rejection_reason": [
                    ("off_topic" if s == "rejected" else "") for s in status.tolist()
                ],
                "status_note": [
                    ("Идея не соответствует теме проекта." if s == "rejected" else "")
                    for s in status.tolist()
                ],
                "version": const("1", n),
                "created_at": ts(created),
                "submitted_at": ts(np.where(non_draft, submitted_at, -1)),
                "published_at": ts(np.where(public, published_at, -1)),
                "vote_count": ints(vote_count),
                "comment_count": ints(comment_count),
                "expert_score": [
                    f"{v:.3f}" if s else NULL
                    for v, s in zip((rng.random(n) * 10).tolist(), scored.tolist(), strict=True)
                ],
                "rank": ints(rank, null=rank == 0),
                "implementation_status": list(implementation),
                "implementation_note": const("", n),
                "progress": ints(progress),
                "author_id": ints(author),
                "direction_id": ints(direction),
                "duplicate_of_id": const(NULL, n),
                "institution_id": ints(institution, null=~has_inst),
                "merged_into_id": const(NULL, n),
                "responsible_id": ints(institution, null=~(has_inst & (implementation != ""))),
                "project_id": ints(project),
            },
        )
        if len(idea_of_vote):
            nv = len(idea_of_vote)
            self._copy(
                cur,
                "ideas_vote",
                {
                    "id": ints(np.arange(1, nv + 1)),
                    "cast_at": ts(np.concatenate(v_at)),
                    "withdrawn_at": const(NULL, nv),
                    "idea_id": ints(idea_of_vote),
                    "project_id": ints(project[idea_of_vote - 1]),
                    "user_id": ints(np.concatenate(v_users)),
                },
            )
            a_project = np.concatenate([np.full(len(a[1]), a[0]) for a in allowances])
            self._copy(
                cur,
                "ideas_voteallowance",
                {
                    "id": ints(np.arange(1, len(a_project) + 1)),
                    "used": ints(np.concatenate([a[2] for a in allowances])),
                    "limit": ints(np.concatenate([np.full(len(a[1]), a[3]) for a in allowances])),
                    "project_id": ints(a_project),
                    "user_id": ints(np.concatenate([a[1] for a in allowances])),
                },
            )
        self._copy(
            cur,
            "ideas_comment",
            {
                "id": ints(c_ids),
                "depth": ints(depth),
                "text": pick(words.COMMENTS, rng.integers(0, len(words.COMMENTS), c)),
                "created_at": ts(c_at),
                "edited_at": const(NULL, c),
                "hidden_at": ts(np.where(hidden, c_at + 3600, -1)),
                "hidden_reason": [
                    ("Нарушение правил обсуждения" if h else "") for h in hidden.tolist()
                ],
                "author_id": ints(self._residents(c)),
                "parent_id": ints(c_ids - 1, null=~reply),
                "idea_id": ints(c_idea),
            },
        )

    # -- derived rows ---------------------------------------------------------------------------

    def _derived(self, cur: Any) -> None:
        """Counters and aggregates from the loaded rows, by the rules of the incremental code."""
        tz = self.tz
        execute = cur.execute

        def timed(sql: str, params: Any = None) -> None:
            started = time.perf_counter()
            execute(sql, params)
            if sql.lstrip().startswith("INSERT"):
                self.log(f"    {sql.split()[2]}: {time.perf_counter() - started:.1f} s")

        cur = _Timed(cur, timed)
        cur.execute(
            """
            INSERT INTO appeals_dailycounter
                (day, organization_id, district_id, category_id, received, answered_on_time,
                 answered_late, disputed, rating_sum, rating_count)
            SELECT day, o, d, c, sum(received), sum(on_time), sum(late), sum(disputed),
                   sum(rating_sum), sum(rating_count)
            FROM (
                SELECT (created_at AT TIME ZONE %(tz)s)::date AS day,
                       coalesce(organization_id, 0) AS o, coalesce(district_id, 0) AS d,
                       category_id AS c, 1 AS received, 0 AS on_time, 0 AS late, 0 AS disputed,
                       0 AS rating_sum, 0 AS rating_count
                FROM appeals_appeal
                UNION ALL
                SELECT (answered_at AT TIME ZONE %(tz)s)::date, coalesce(organization_id, 0),
                       coalesce(district_id, 0), category_id, 0,
                       CASE WHEN is_answered_on_time THEN 1 ELSE 0 END,
                       CASE WHEN is_answered_on_time THEN 0 ELSE 1 END,
                       CASE WHEN dispute_count > 0 THEN 1 ELSE 0 END,
                       CASE WHEN rating > 0 THEN rating ELSE 0 END,
                       CASE WHEN rating > 0 THEN 1 ELSE 0 END
                FROM appeals_appeal WHERE answered_at IS NOT NULL
            ) AS contributions
            GROUP BY day, o, d, c
            """,
            {"tz": tz},
        )
        cur.execute(
            """
            INSERT INTO appeals_answertimecounter
                (day, organization_id, district_id, category_id, bucket, count)
            SELECT (answered_at AT TIME ZONE %(tz)s)::date, coalesce(organization_id, 0),
                   coalesce(district_id, 0), category_id,
                   (SELECT count(*) FROM unnest(%(bounds)s::float8[]) AS b
                    WHERE b < answer_working_seconds::float8 / 3600) AS bucket,
                   count(*)
            FROM appeals_appeal
            WHERE answered_at IS NOT NULL AND answer_working_seconds IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5
            """,
            {"tz": tz, "bounds": [float(b) for b in BUCKET_BOUNDS]},
        )
        cur.execute(
            """
            INSERT INTO appeals_gaugecounter
                (organization_id, district_id, category_id, in_work, overdue_now)
            SELECT coalesce(organization_id, 0), coalesce(district_id, 0), category_id, count(*),
                   count(overdue_at)
            FROM appeals_appeal
            WHERE status IN ('registered', 'assigned', 'in_progress', 'clarification',
                             'answer_review', 'reopened')
            GROUP BY 1, 2, 3
            """
        )
        cur.execute(
            """
            INSERT INTO ideas_participant (project_id, user_id)
            SELECT project_id, user_id FROM ideas_voteallowance
            UNION
            SELECT project_id, author_id FROM ideas_idea WHERE status <> 'draft'
            UNION
            SELECT i.project_id, c.author_id FROM ideas_comment c JOIN ideas_idea i ON i.id = c.idea_id
            """
        )
        cur.execute(
            """
            INSERT INTO ideas_projectcounter
                (project_id, participants, submitted, published, shortlisted, winners, implemented,
                 votes, comments)
            SELECT p.id,
                (SELECT count(*) FROM ideas_participant x WHERE x.project_id = p.id),
                (SELECT count(*) FROM ideas_idea i WHERE i.project_id = p.id
                    AND i.submitted_at IS NOT NULL),
                (SELECT count(*) FROM ideas_idea i WHERE i.project_id = p.id AND i.status IN
                    ('published', 'shortlisted', 'not_selected', 'merged', 'winner', 'not_winner')),
                (SELECT count(*) FROM ideas_idea i WHERE i.project_id = p.id
                    AND i.status IN ('shortlisted', 'winner', 'not_winner')),
                (SELECT count(*) FROM ideas_idea i WHERE i.project_id = p.id
                    AND i.status = 'winner'),
                (SELECT count(*) FROM ideas_idea i WHERE i.project_id = p.id
                    AND i.implementation_status = 'done'),
                (SELECT coalesce(sum(vote_count), 0) FROM ideas_idea i WHERE i.project_id = p.id),
                (SELECT coalesce(sum(comment_count), 0) FROM ideas_idea i
                    WHERE i.project_id = p.id)
            FROM ideas_project p
            """
        )
        for table in ("ideas_participant", "appeals_dailycounter", "appeals_answertimecounter",
                      "appeals_gaugecounter", "ideas_projectcounter"):  # fmt: skip
            cur.execute(f"SELECT count(*) FROM {table}")
            self.counts[table] = int(cur.fetchone()[0])

    def _sequences(self, cur: Any) -> None:
        for table in TABLES:
            if table == "appeals_appealnumber":
                continue
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 1), "
                f"max(id) IS NOT NULL) FROM {table}",
                [table],
            )


class _Timed:
    """A cursor whose ``execute`` is timed (the derived statements are the slow part to watch)."""

    def __init__(self, cur: Any, execute: Callable[..., None]):
        self._cur, self.execute = cur, execute

    def fetchone(self) -> Any:
        return self._cur.fetchone()


def is_seeded(scale: str) -> bool:
    """Whether the database holds a bench load of this scale (so ``make bench`` can reuse it)."""
    from vmeste.accounts.models import User
    from vmeste.organizations.models import Organization

    sizes = sizes_for(scale)
    if not Organization.objects.filter(slug=REGION_SLUG).exists():
        return False
    return User.objects.count() >= ORGANIZATIONS + sizes.residents


def seed(scale: str, *, reset: bool = False, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Load the bench data; refuses to overwrite a database holding other data unless ``reset``."""
    if connection.vendor != "postgresql":
        raise RuntimeError("bench-seed loads with COPY and needs PostgreSQL (set DATABASE_URL)")
    from vmeste.accounts.models import User

    if not reset and User.objects.exists():
        raise RuntimeError(
            "the database already holds users; use --reset to replace them with the bench data"
        )
    return Seeder(sizes_for(scale), log=log).run()
