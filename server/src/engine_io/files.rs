//! Reading an import file into rows of text ([`Table`]): CSV (UTF-8, or GB 18030 as Excel
//! saves it on a Chinese Windows), Excel .xlsx (calamine, the first sheet) and GeoJSON (a
//! FeatureCollection: its properties are the columns, its geometry the register's geometry
//! field). Rows are numbered as the user sees them: a spreadsheet's row numbers, a feature's
//! position. Blank rows (Excel leaves them) are read past.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value as Json;
use shared::engine::service::import::Table;
use shared::engine::service::imports::Format;
use shared::engine::transfer::MAX_ROWS;
use shared::{AppError, ErrorCode};

/// The format a file name says (`None`: not one an import reads).
pub fn format_of(file_name: &str) -> Option<Format> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    match extension.as_str() {
        "csv" => Some(Format::Csv),
        "xlsx" => Some(Format::Xlsx),
        "geojson" | "json" => Some(Format::GeoJson),
        _ => None,
    }
}

/// The file's rows; `geometry` names the column a GeoJSON feature's geometry fills.
pub fn read(format: Format, bytes: &[u8], geometry: Option<&str>) -> Result<Table, AppError> {
    match format {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
        Format::GeoJson => read_geojson(bytes, geometry),
    }
}

fn unreadable() -> AppError {
    AppError::field("file", ErrorCode::ImportUnreadable)
}

/// The rows of a table, the header first: blank rows left out, more than [`MAX_ROWS`] data
/// rows (and a template's row of keys) refused before they are all read.
fn table(rows: impl Iterator<Item = Result<(u32, Vec<String>), AppError>>) -> Result<Table, AppError> {
    let mut rows = rows.filter(|row| row.as_ref().map_or(true, |(_, cells)| !blank(cells)));
    let Some((header_row, header)) = rows.next().transpose()? else {
        return Err(AppError::field("file", ErrorCode::ImportEmpty));
    };
    let mut table = Table { header_row, header, rows: Vec::new() };
    for row in rows {
        if table.rows.len() > MAX_ROWS {
            return Err(AppError::field("file", ErrorCode::ImportTooManyRows));
        }
        table.rows.push(row?);
    }
    if table.rows.is_empty() {
        return Err(AppError::field("file", ErrorCode::ImportEmpty));
    }
    Ok(table)
}

fn read_csv(bytes: &[u8]) -> Result<Table, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text: Cow<str> = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).ok_or_else(unreadable)?
        }
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let rows = reader.records().enumerate().map(|(index, record)| {
        let record = record.map_err(|_| unreadable())?;
        // A cell our export defused comes back as it was (`shared::spreadsheet`).
        Ok((index as u32 + 1, record.iter().map(|cell| shared::spreadsheet::undefused(cell).to_owned()).collect()))
    });
    table(rows)
}

fn blank(cells: &[String]) -> bool {
    cells.iter().all(|cell| cell.trim().is_empty())
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, AppError> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let range = book.worksheet_range_at(0).ok_or_else(unreadable)?.map_err(|_| unreadable())?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let rows = range.rows().enumerate().map(|(index, row)| {
        let cells = std::iter::repeat_n(String::new(), first_column as usize).chain(row.iter().map(cell)).collect();
        Ok((first_row + index as u32 + 1, cells))
    });
    table(rows)
}

/// A spreadsheet cell as the text a person sees in it: whole numbers without ".0", dates as
/// ISO dates (with the time when there is one).
fn cell(data: &Data) -> String {
    match data {
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => (*number as i64).to_string(),
        Data::Float(number) => number.to_string(),
        Data::Bool(flag) => flag.to_string(),
        Data::DateTime(at) => match at.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.format("%Y-%m-%d").to_string(),
            Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
            None => at.to_string(),
        },
        Data::Error(error) => error.to_string(),
        Data::Empty => String::new(),
    }
}

fn read_geojson(bytes: &[u8], geometry: Option<&str>) -> Result<Table, AppError> {
    let json: Json = serde_json::from_slice(bytes).map_err(|_| unreadable())?;
    let features = match json.get("type").and_then(Json::as_str) {
        Some("FeatureCollection") => json.get("features").and_then(Json::as_array).ok_or_else(unreadable)?.clone(),
        Some("Feature") => vec![json],
        _ => return Err(unreadable()),
    };
    if features.len() > MAX_ROWS {
        return Err(AppError::field("file", ErrorCode::ImportTooManyRows));
    }
    // The columns: every property name met, then the geometry.
    let mut header: Vec<String> = Vec::new();
    for feature in &features {
        for key in feature.get("properties").and_then(Json::as_object).into_iter().flat_map(|p| p.keys()) {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    let geometry_column = geometry.map(|key| {
        header.push(key.to_owned());
        header.len() - 1
    });
    let rows: Vec<(u32, Vec<String>)> = features
        .iter()
        .enumerate()
        .map(|(index, feature)| {
            let properties = feature.get("properties").and_then(Json::as_object);
            let mut cells: Vec<String> = header
                .iter()
                .map(|key| properties.and_then(|p| p.get(key)).map(property).unwrap_or_default())
                .collect();
            if let Some(column) = geometry_column {
                cells[column] =
                    feature.get("geometry").filter(|g| !g.is_null()).map(Json::to_string).unwrap_or_default();
            }
            (index as u32 + 1, cells)
        })
        .filter(|(_, cells)| !blank(cells))
        .collect();
    if rows.is_empty() {
        return Err(AppError::field("file", ErrorCode::ImportEmpty));
    }
    Ok(Table { header_row: 0, header, rows })
}

fn property(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_in_utf8_with_bom_or_in_gb18030_reads_the_same() {
        let text = "姓名,性别\n张三,男\n,\n李四,女\n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        for bytes in [with_bom, gbk.into_owned()] {
            let table = read(Format::Csv, &bytes, None).expect("read");
            assert_eq!(table.header, vec!["姓名", "性别"]);
            assert_eq!(table.rows, vec![(2, vec!["张三".into(), "男".into()]), (4, vec!["李四".into(), "女".into()])]);
        }
        assert_eq!(read(Format::Csv, b"a,b\n", None), Err(AppError::field("file", ErrorCode::ImportEmpty)));
    }

    #[test]
    fn geojson_properties_are_columns_and_the_geometry_one_more() {
        let file = br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"A","n":3},"geometry":{"type":"Point","coordinates":[120.5,31.2]}},
            {"type":"Feature","properties":{"name":"B","extra":null},"geometry":null}]}"#;
        let table = read(Format::GeoJson, file, Some("location")).expect("read");
        // (serde_json's maps keep their keys sorted: the properties' order is not kept.)
        assert_eq!(table.header, vec!["n", "name", "extra", "location"]);
        assert_eq!(table.rows[0].0, 1);
        assert_eq!(table.rows[0].1[..2], ["3", "A"]);
        assert!(table.rows[0].1[3].contains("Point"));
        assert_eq!(table.rows[1].1, vec!["", "B", "", ""]);
        assert_eq!(read(Format::GeoJson, b"[1]", None), Err(unreadable()));
    }

    #[test]
    fn the_format_is_the_file_names() {
        assert_eq!(format_of("党员.XLSX"), Some(Format::Xlsx));
        assert_eq!(format_of("points.geojson"), Some(Format::GeoJson));
        assert_eq!(format_of("a.xls"), None);
        assert_eq!(format_of("csv"), None);
    }
}
