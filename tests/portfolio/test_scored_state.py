"""The C-card score put beside each loan on DuckDB (``run._scored_state``: the state materialised once, the scores
of its past-due loans placed in Arrow) gives the table the one query gives (``collection.with_collection_score``,
what Spark runs): the same columns in the same order, the same rows."""

from __future__ import annotations

import pyarrow as pa

from faircollect.portfolio import engines
from faircollect.portfolio.run import _scored_state
from faircollect.portfolio.state import loan_states
from faircollect.scoring import collection

from .conftest import AS_OF


def _sorted(t: pa.Table) -> pa.Table:
    return t.sort_by("loan_no")


def test_scores_placed_in_arrow_equal_the_join(book: dict[str, pa.Table]) -> None:
    con = engines.connect("duckdb")
    try:
        t = {n: engines.register(con, n, tbl) for n, tbl in book.items()}
        state = loan_states(con, t, AS_OF, twin_sample=0, arrow=book)
        b = t["borrowers"].select("borrower_no", "borrower_id", "score", "timezone", "jurisdiction")
        state = state.left_join(b, "borrower_no").drop("borrower_no_right")
        late = state.filter(state.days_past_due > 0)
        features, _ = engines.collect(con, "fc_f", collection.feature_table(t, late, AS_OF))
        _, want = engines.collect(
            con, "fc_s", collection.with_collection_score(t, state, AS_OF, features=features)
        )
        tbl, got, got_features = _scored_state(con, t, state, AS_OF)
        assert got.schema == want.schema
        assert _sorted(got).equals(_sorted(want))
        assert con.to_pyarrow(tbl).num_rows == got.num_rows
        assert _sorted(con.to_pyarrow(got_features)).equals(_sorted(con.to_pyarrow(features)))
        scored = got.filter(pa.compute.is_valid(got.column("score")))
        assert 0 < scored.num_rows < got.num_rows  # past-due loans scored, the rest null
    finally:
        engines.stop(con)
