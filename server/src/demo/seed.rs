//! Writes a generated [`DemoTownship`] to the database, all of it in one transaction.
//!
//! The 50 villages and grids are inserted one by one (`RETURNING id`); the large tables
//! in bulk, one statement per chunk of rows, each column bound as one array and spread
//! out with `unnest`. House ids are reserved from their sequence first, so residents can
//! refer to their house without relying on the order of `RETURNING` rows.

use diesel::QueryableByName;
use diesel::sql_query;
use diesel::sql_types::{Array, BigInt, Binary, Bool, Date, Double, Integer, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shared::personal::service::SealedNumbers;

use super::geography::{linestring_wkt, multipolygon_wkt, polygon_wkt};
use super::{DemoTownship, TOWNSHIP_CODE};

/// Rows per bulk statement: every column is one array bind, so this only bounds the
/// size of one message.
const CHUNK: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSummary {
    pub township_id: i32,
    pub villages: usize,
    pub grids: usize,
    /// Roads and water courses.
    pub lines: usize,
    pub houses: usize,
    pub residents: usize,
    pub enterprises: usize,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[derive(QueryableByName)]
struct BigId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Seeded {
    #[diesel(sql_type = Bool)]
    seeded: bool,
}

/// Whether the demo township is in the database already.
pub async fn is_seeded(conn: &mut AsyncPgConnection) -> anyhow::Result<bool> {
    let row: Seeded = sql_query("SELECT EXISTS (SELECT 1 FROM townships WHERE code = $1) AS seeded")
        .bind::<Text, _>(TOWNSHIP_CODE)
        .get_result(conn)
        .await?;
    Ok(row.seeded)
}

/// Inserts the township and everything in it, in one transaction: either all of it is
/// there afterwards or none. Fails (changing nothing) if the township code exists.
pub async fn seed(conn: &mut AsyncPgConnection, township: &DemoTownship) -> anyhow::Result<SeedSummary> {
    conn.transaction::<_, anyhow::Error, _>(async |conn| insert(conn, township).await).await
}

async fn insert(conn: &mut AsyncPgConnection, t: &DemoTownship) -> anyhow::Result<SeedSummary> {
    let township: Id = sql_query(
        "INSERT INTO townships (code, name, county, centre, boundary) \
         VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), ST_GeomFromText($6, 4326)) \
         RETURNING id",
    )
    .bind::<Text, _>(&t.code)
    .bind::<Text, _>(&t.name)
    .bind::<Text, _>(&t.county)
    .bind::<Double, _>(t.centre.lon)
    .bind::<Double, _>(t.centre.lat)
    .bind::<Text, _>(multipolygon_wkt(&t.boundary))
    .get_result(conn)
    .await?;
    let township_id = township.id;

    let mut village_ids = Vec::with_capacity(t.villages.len());
    for v in &t.villages {
        let row: Id = sql_query(
            "INSERT INTO villages (township_id, code, name, kind, boundary) \
             VALUES ($1, $2, $3, $4, ST_GeomFromText($5, 4326)) RETURNING id",
        )
        .bind::<Integer, _>(township_id)
        .bind::<Text, _>(&v.code)
        .bind::<Text, _>(&v.name)
        .bind::<Text, _>(v.kind.as_str())
        .bind::<Text, _>(polygon_wkt(&v.boundary))
        .get_result(conn)
        .await?;
        village_ids.push(row.id);
    }

    let mut grid_ids = Vec::with_capacity(t.grids.len());
    for g in &t.grids {
        let row: Id = sql_query(
            "INSERT INTO grids (township_id, village_id, code, name, boundary) \
             VALUES ($1, $2, $3, $4, ST_GeomFromText($5, 4326)) RETURNING id",
        )
        .bind::<Integer, _>(township_id)
        .bind::<Integer, _>(village_ids[g.village])
        .bind::<Text, _>(&g.code)
        .bind::<Text, _>(&g.name)
        .bind::<Text, _>(polygon_wkt(&g.boundary))
        .get_result(conn)
        .await?;
        grid_ids.push(row.id);
    }

    sql_query(
        "INSERT INTO geo_lines (township_id, kind, feature_code, name, geom) \
         SELECT $1, kind, feature_code, name, ST_GeomFromText(wkt, 4326) \
         FROM unnest($2::text[], $5::text[], $3::text[], $4::text[]) AS t(kind, feature_code, name, wkt)",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Array<Text>, _>(t.lines.iter().map(|l| l.kind.as_str().to_string()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(t.lines.iter().map(|l| l.name.clone()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(t.lines.iter().map(|l| linestring_wkt(&l.points)).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(t.lines.iter().map(|l| l.kind.feature_code().to_string()).collect::<Vec<_>>())
    .execute(conn)
    .await?;

    // Reserve the houses' ids, so residents can refer to them.
    let mut house_ids: Vec<i64> =
        sql_query("SELECT nextval(pg_get_serial_sequence('houses', 'id')) AS id FROM generate_series(1, $1)")
            .bind::<Integer, _>(i32::try_from(t.houses.len())?)
            .load::<BigId>(conn)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
    house_ids.sort_unstable();
    anyhow::ensure!(house_ids.len() == t.houses.len(), "reserved {} house ids", house_ids.len());

    for (start, chunk) in (0..).step_by(CHUNK).zip(t.houses.chunks(CHUNK)) {
        sql_query(
            "INSERT INTO houses (id, township_id, village_id, grid_id, address, location) \
             SELECT id, $1, village_id, grid_id, address, ST_SetSRID(ST_MakePoint(lon, lat), 4326) \
             FROM unnest($2::int8[], $3::int4[], $4::int4[], $5::text[], $6::float8[], $7::float8[]) \
             AS t(id, village_id, grid_id, address, lon, lat)",
        )
        .bind::<Integer, _>(township_id)
        .bind::<Array<BigInt>, _>(house_ids[start..start + chunk.len()].to_vec())
        .bind::<Array<Integer>, _>(chunk.iter().map(|h| village_ids[h.village]).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(chunk.iter().map(|h| grid_ids[h.grid]).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|h| h.address.clone()).collect::<Vec<_>>())
        .bind::<Array<Double>, _>(chunk.iter().map(|h| h.location.lon).collect::<Vec<_>>())
        .bind::<Array<Double>, _>(chunk.iter().map(|h| h.location.lat).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    }

    // ID and mobile numbers are stored sealed, each beside its blind index (`shared::personal`).
    let keyring = shared::personal::keys::installed()?;
    for chunk in t.residents.chunks(CHUNK) {
        let house = |r: &super::DemoResident| &t.houses[r.house];
        let sealed: Vec<SealedNumbers> =
            chunk.iter().map(|r| SealedNumbers::new(keyring, &r.id_number, &r.phone)).collect();
        sql_query(
            "INSERT INTO residents \
             (township_id, village_id, grid_id, house_id, name, gender, birth_date, \
              id_number_sealed, id_number_index, phone_sealed, phone_index) \
             SELECT $1, * FROM unnest($2::int4[], $3::int4[], $4::int8[], $5::text[], $6::text[], $7::date[], \
             $8::bytea[], $9::bytea[], $10::bytea[], $11::bytea[])",
        )
        .bind::<Integer, _>(township_id)
        .bind::<Array<Integer>, _>(chunk.iter().map(|r| village_ids[house(r).village]).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(chunk.iter().map(|r| grid_ids[house(r).grid]).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(chunk.iter().map(|r| house_ids[r.house]).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|r| r.name.clone()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|r| r.gender.as_str().to_string()).collect::<Vec<_>>())
        .bind::<Array<Date>, _>(chunk.iter().map(|r| r.birth_date).collect::<Vec<_>>())
        .bind::<Array<Binary>, _>(sealed.iter().map(|s| s.id_number_sealed.clone()).collect::<Vec<_>>())
        .bind::<Array<Binary>, _>(sealed.iter().map(|s| s.id_number_index.clone()).collect::<Vec<_>>())
        .bind::<Array<Nullable<Binary>>, _>(sealed.iter().map(|s| s.phone_sealed.clone()).collect::<Vec<_>>())
        .bind::<Array<Nullable<Binary>>, _>(sealed.iter().map(|s| s.phone_index.clone()).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    }

    for chunk in t.enterprises.chunks(CHUNK) {
        sql_query(
            "INSERT INTO enterprises (township_id, village_id, grid_id, name, credit_code, industry, \
             legal_person, employees, address, location) \
             SELECT $1, village_id, grid_id, name, credit_code, industry, legal_person, employees, address, \
             ST_SetSRID(ST_MakePoint(lon, lat), 4326) \
             FROM unnest($2::int4[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int4[], \
             $9::text[], $10::float8[], $11::float8[]) \
             AS t(village_id, grid_id, name, credit_code, industry, legal_person, employees, address, lon, lat)",
        )
        .bind::<Integer, _>(township_id)
        .bind::<Array<Integer>, _>(chunk.iter().map(|e| village_ids[e.village]).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(chunk.iter().map(|e| grid_ids[e.grid]).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|e| e.name.clone()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|e| e.credit_code.clone()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|e| e.industry.clone()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|e| e.legal_person.clone()).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(chunk.iter().map(|e| e.employees).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|e| e.address.clone()).collect::<Vec<_>>())
        .bind::<Array<Double>, _>(chunk.iter().map(|e| e.location.lon).collect::<Vec<_>>())
        .bind::<Array<Double>, _>(chunk.iter().map(|e| e.location.lat).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    }

    Ok(SeedSummary {
        township_id,
        villages: t.villages.len(),
        grids: t.grids.len(),
        lines: t.lines.len(),
        houses: t.houses.len(),
        residents: t.residents.len(),
        enterprises: t.enterprises.len(),
    })
}
