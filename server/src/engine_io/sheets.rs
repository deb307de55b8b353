//! Writing the files: an export a batch of rows at a time (CSV with a BOM so that Excel
//! reads the Chinese right, Excel in constant memory, GeoJSON), and the import templates.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, Formula, Workbook, XlsxError, column_number_to_name,
};
use std::borrow::Cow;

use serde_json::{Map, Value as Json, json};
use shared::AppError;
use shared::engine::service::export::{CellKind, Column, ExportRow};
use shared::engine::service::import::TemplateColumn;
use shared::engine::transfer::MAX_ROWS;
use shared::spreadsheet::defused;

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const GEOJSON: &str = "application/geo+json";

/// The byte order mark Excel needs to read a CSV file as UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

fn excel_error(error: XlsxError) -> AppError {
    tracing::error!(%error, "writing an Excel file");
    AppError::Internal
}

fn csv_error(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "writing a CSV file");
    AppError::Internal
}

/// A file being written, a row at a time.
pub trait Sheet: Send {
    fn row(&mut self, row: &ExportRow) -> Result<(), AppError>;
    fn finish(self: Box<Self>) -> Result<Vec<u8>, AppError>;
}

/// A CSV file whose text cells a spreadsheet keeps as text, never runs as a formula
/// (`shared::spreadsheet`); numbers go out as they are.
pub struct CsvSheet {
    writer: csv::Writer<Vec<u8>>,
    kinds: Vec<CellKind>,
}

impl CsvSheet {
    pub fn new(columns: &[Column]) -> Result<CsvSheet, AppError> {
        let mut writer = csv::Writer::from_writer(BOM.to_vec());
        writer.write_record(columns.iter().map(|column| defused(&column.title).into_owned())).map_err(csv_error)?;
        Ok(CsvSheet { writer, kinds: columns.iter().map(|column| column.kind).collect() })
    }
}

impl Sheet for CsvSheet {
    fn row(&mut self, row: &ExportRow) -> Result<(), AppError> {
        let cells = row.cells.iter().enumerate().map(|(index, cell)| match self.kinds.get(index) {
            Some(CellKind::Number) if cell.parse::<f64>().is_ok() => Cow::Borrowed(cell.as_str()),
            _ => defused(cell),
        });
        self.writer.write_record(cells.map(|cell| cell.into_owned())).map_err(csv_error)
    }

    fn finish(self: Box<Self>) -> Result<Vec<u8>, AppError> {
        self.writer.into_inner().map_err(csv_error)
    }
}

/// One worksheet in constant memory: each row goes out to a temporary file as written.
pub struct XlsxSheet {
    book: Workbook,
    kinds: Vec<CellKind>,
    next: u32,
}

impl XlsxSheet {
    pub fn new(name: &str, columns: &[Column]) -> Result<XlsxSheet, AppError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory().map_err(excel_error)?;
        sheet.set_name(name).map_err(excel_error)?;
        let bold = Format::new().set_bold();
        for (index, column) in columns.iter().enumerate() {
            let col = index as u16;
            sheet.set_column_width(col, 16).map_err(excel_error)?;
            sheet.write_string_with_format(0, col, &column.title, &bold).map_err(excel_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(excel_error)?;
        Ok(XlsxSheet { book, kinds: columns.iter().map(|column| column.kind).collect(), next: 1 })
    }
}

impl Sheet for XlsxSheet {
    fn row(&mut self, row: &ExportRow) -> Result<(), AppError> {
        let sheet = self.book.worksheet_from_index(0).map_err(excel_error)?;
        for (index, cell) in row.cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let col = index as u16;
            // Numbers as numbers, so that a sum works; text (an ID number) stays text.
            match (self.kinds.get(index), cell.parse::<f64>()) {
                (Some(CellKind::Number), Ok(number)) => sheet.write_number(self.next, col, number),
                _ => sheet.write_string(self.next, col, cell),
            }
            .map_err(excel_error)?;
        }
        self.next += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<u8>, AppError> {
        self.book.save_to_buffer().map_err(excel_error)
    }
}

/// A FeatureCollection: a feature per record, the geometry column as its geometry, the
/// others as properties named by their headers.
pub struct GeoJsonSheet {
    out: Vec<u8>,
    titles: Vec<String>,
    geometry: Option<usize>,
    first: bool,
}

impl GeoJsonSheet {
    pub fn new(columns: &[Column], geometry: Option<usize>) -> GeoJsonSheet {
        GeoJsonSheet {
            out: br#"{"type":"FeatureCollection","features":["#.to_vec(),
            titles: columns.iter().map(|column| column.title.clone()).collect(),
            geometry,
            first: true,
        }
    }
}

impl Sheet for GeoJsonSheet {
    fn row(&mut self, row: &ExportRow) -> Result<(), AppError> {
        let properties: Map<String, Json> = self
            .titles
            .iter()
            .zip(&row.cells)
            .enumerate()
            .filter(|(index, _)| Some(*index) != self.geometry)
            .map(|(_, (title, cell))| (title.clone(), Json::from(cell.as_str())))
            .collect();
        let feature = json!({
            "type": "Feature",
            "geometry": row.geometry.clone().unwrap_or(Json::Null),
            "properties": properties,
        });
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        serde_json::to_writer(&mut self.out, &feature).map_err(|_| AppError::Internal)
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<u8>, AppError> {
        self.out.extend_from_slice(b"]}");
        Ok(self.out)
    }
}

/// The CSV template: the headers, then the columns' keys (which map the columns back when a
/// header is edited).
pub fn template_csv(columns: &[TemplateColumn]) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(BOM.to_vec());
    writer.write_record(columns.iter().map(|column| column.title.as_str())).map_err(csv_error)?;
    writer.write_record(columns.iter().map(|column| column.key.as_str())).map_err(csv_error)?;
    writer.into_inner().map_err(csv_error)
}

/// The texts of the Excel template's notes sheet.
pub struct NotesTexts {
    pub sheet: String,
    pub column: String,
    pub required: String,
    pub how: String,
    pub yes: String,
    pub no: String,
}

/// The Excel template: the headers (required ones marked `*`), a hidden row of the columns'
/// keys, every cell formatted as text (an 18-digit ID number typed in stays exact), and a
/// second sheet of notes: how to fill in each column and the labels a choice may take, which
/// the choice columns offer as a drop-down list.
pub fn template_xlsx(name: &str, columns: &[TemplateColumn], texts: &NotesTexts) -> Result<Vec<u8>, AppError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    {
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(excel_error)?;
        for (index, column) in columns.iter().enumerate() {
            let col = index as u16;
            sheet.set_column_width(col, 18).map_err(excel_error)?;
            sheet.set_column_format(col, &text).map_err(excel_error)?;
            sheet.write_string_with_format(0, col, &column.title, &bold).map_err(excel_error)?;
            sheet.write_string(1, col, &column.key).map_err(excel_error)?;
        }
        sheet.set_row_hidden(1).map_err(excel_error)?;
        sheet.set_freeze_panes(2, 0).map_err(excel_error)?;
    }
    // The notes: a row per column, then each column's choices in a column of their own.
    let notes = book.add_worksheet();
    notes.set_name(&texts.sheet).map_err(excel_error)?;
    for (col, title) in [&texts.column, &texts.required, &texts.how].into_iter().enumerate() {
        notes.write_string_with_format(0, col as u16, title, &bold).map_err(excel_error)?;
    }
    notes.set_column_width(0, 20).map_err(excel_error)?;
    notes.set_column_width(2, 40).map_err(excel_error)?;
    let mut lists = Vec::new();
    let mut list_col: u16 = 4;
    for (index, column) in columns.iter().enumerate() {
        let row = index as u32 + 1;
        notes.write_string(row, 0, column.title.trim_end_matches('*')).map_err(excel_error)?;
        notes.write_string(row, 1, if column.required { &texts.yes } else { &texts.no }).map_err(excel_error)?;
        notes.write_string(row, 2, &column.hint).map_err(excel_error)?;
        if column.choices.is_empty() {
            continue;
        }
        notes.write_string_with_format(0, list_col, column.title.trim_end_matches('*'), &bold).map_err(excel_error)?;
        for (k, choice) in column.choices.iter().enumerate() {
            notes.write_string(k as u32 + 1, list_col, choice).map_err(excel_error)?;
        }
        notes.set_column_width(list_col, 16).map_err(excel_error)?;
        let letter = column_number_to_name(list_col);
        let range = format!("='{}'!${letter}$2:${letter}${}", texts.sheet, column.choices.len() + 1);
        lists.push((index as u16, column.multiple, range));
        list_col += 1;
    }
    // A drop-down of one choice per cell (a multiple choice is typed, separated by "、").
    let sheet = book.worksheet_from_index(0).map_err(excel_error)?;
    for (col, multiple, range) in lists {
        if multiple {
            continue;
        }
        let validation = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .set_error_style(DataValidationErrorStyle::Warning);
        sheet.add_data_validation(2, col, MAX_ROWS as u32 + 1, col, &validation).map_err(excel_error)?;
    }
    book.save_to_buffer().map_err(excel_error)
}
