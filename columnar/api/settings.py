"""Connection settings, also reachable with ``SET name = value``.

=========================  =======  ============================================
setting                    default  meaning
=========================  =======  ============================================
threads                    cores    worker threads running slice fragments in
                                    parallel (default: the machine's cores, at
                                    most one per slice)
auto_all_max_rows          1000     rows above which an AUTO(ALL) table becomes
                                    AUTO(KEY(primary key)), or AUTO(EVEN)
                                    without one (Redshift's threshold is
                                    undocumented)
block_bytes                1048576  bytes of one column block (zone maps,
                                    SVV_TABLE_INFO size); at least 1024; ``SET``
                                    applies to later statements (zone maps are
                                    cached per block size)
analyze_threshold_percent  10       ANALYZE skips a table whose rows changed
                                    since its last ANALYZE are below this
                                    percent (0 to 100; 0: always analyze), as
                                    in Redshift (:mod:`columnar.api.analyze`)
spectrum_enable_pseudo_    true     whether external tables offer the pseudo-
columns                             columns ``"$path"`` and ``"$size"``
=========================  =======  ============================================

Redshift session parameters that only matter on a real cluster
(``search_path``, ``datestyle``, ``query_group``, ``statement_timeout``, ...)
are accepted and ignored so that scripts written for Redshift run unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from columnar.core.errors import ProgrammingError

_IGNORED = {
    "search_path", "datestyle", "query_group", "statement_timeout", "timezone",
    "enable_result_cache_for_session", "wlm_query_slot_count",
    "extra_float_digits", "client_encoding", "application_name",
}


@dataclass
class Settings:
    threads: int = 1
    auto_all_max_rows: int = 1000
    block_bytes: int = 1 << 20  # size of one column block (fixed per connection: connect(block_bytes=))
    analyze_threshold_percent: float = 10.0  # ANALYZE skips tables changed by less (columnar.api.analyze)
    spectrum_enable_pseudo_columns: bool = True  # "$path" / "$size" of external tables

    def set(self, name: str, value) -> None:
        key = name.lower()
        if key in ("threads", "auto_all_max_rows"):
            try:
                v = int(value)
            except (TypeError, ValueError):
                raise ProgrammingError(f'invalid value for parameter "{key}": "{value}"') from None
            if v < 1:
                raise ProgrammingError(f'parameter "{key}" must be at least 1')
            setattr(self, key, v)
        elif key == "block_bytes":
            try:
                v = int(value)
            except (TypeError, ValueError):
                raise ProgrammingError(f'invalid value for parameter "{key}": "{value}"') from None
            if v < 1024:
                raise ProgrammingError(f'parameter "{key}" must be at least 1024')
            self.block_bytes = v
        elif key == "analyze_threshold_percent":
            try:
                f = float(value)
            except (TypeError, ValueError):
                raise ProgrammingError(f'invalid value for parameter "{key}": "{value}"') from None
            if not 0.0 <= f <= 100.0:
                raise ProgrammingError(f'parameter "{key}" must be between 0 and 100')
            self.analyze_threshold_percent = f
        elif key == "spectrum_enable_pseudo_columns":
            text = str(value).lower()
            if text not in ("true", "false", "on", "off", "1", "0"):
                raise ProgrammingError(f'parameter "{key}" requires a Boolean value')
            self.spectrum_enable_pseudo_columns = text in ("true", "on", "1")
        elif key not in _IGNORED:
            raise ProgrammingError(f'unrecognized configuration parameter "{name}"')
