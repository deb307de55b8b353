//! Naming series (`梅委发〔2026〕12号`): one counter row per register and year, taken in the
//! record's own transaction. `INSERT … ON CONFLICT DO UPDATE` locks the row until the commit,
//! so concurrent records wait for each other's number, and a rolled-back record gives its
//! number back: gap-free, never twice.

use diesel::QueryableByName;
use diesel::sql_types::Integer;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::engine::declare::{NamingSeries, Register};
use crate::error::AppError;
use crate::sql::Sql;

/// The next number of `register`'s series in `year`. Call it inside the transaction that
/// writes the record.
pub async fn next_number(
    conn: &mut AsyncPgConnection,
    register: &Register,
    series: &NamingSeries,
    year: i32,
) -> Result<String, AppError> {
    let mut numbers = next_numbers(conn, register, series, year, 1).await?;
    numbers.pop().ok_or(AppError::Internal)
}

/// The next `n` numbers of the series, in order, taken at once (an import's batch): one
/// counter update whatever `n` is, under the same lock as one number.
pub(super) async fn next_numbers(
    conn: &mut AsyncPgConnection,
    register: &Register,
    series: &NamingSeries,
    year: i32,
    n: i32,
) -> Result<Vec<String>, AppError> {
    #[derive(QueryableByName)]
    struct Last {
        #[diesel(sql_type = Integer)]
        last: i32,
    }
    if n <= 0 {
        return Ok(Vec::new());
    }
    let taken: Last = Sql::new("INSERT INTO naming_counters (register, year, last) VALUES (")
        .bind(register.key())
        .push(", ")
        .bind(year)
        .push(", ")
        .bind(n)
        .push(") ON CONFLICT (register, year) DO UPDATE SET last = naming_counters.last + ")
        .bind(n)
        .push(" RETURNING last")
        .query()
        .get_result(conn)
        .await?;
    Ok((taken.last - n + 1..=taken.last).map(|k| number(series, year, k)).collect())
}

/// `prefix〔year〕n suffix`.
fn number(series: &NamingSeries, year: i32, n: i32) -> String {
    format!("{}〔{year}〕{n}{}", series.prefix, series.suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_reads_as_on_paper() {
        let series = NamingSeries { prefix: "梅委发", suffix: "号", on_state: None };
        assert_eq!(number(&series, 2026, 12), "梅委发〔2026〕12号");
    }
}
