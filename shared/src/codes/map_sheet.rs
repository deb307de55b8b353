//! Map-sheet numbers of the national basic scale topographic maps, GB/T 13989—2012
//! (国家基本比例尺地形图分幅和编号).
//!
//! A 1:1,000,000 sheet spans 6° of longitude and 4° of latitude. Its number is the row's
//! letter (A for 0°–4° N, B for 4°–8° N … V) and the two-digit column (01 from 180° W, 31
//! from 0°, eastwards): `J50` holds Beijing. A larger scale divides that sheet into a grid of
//! rows counted from the top (north) and columns from the left (west), both from 1: its
//! number is the 1:1,000,000 sheet's, the scale's letter, the row and the column — three
//! digits each (`J50G015010`, 10 characters) down to 1:5,000, four each at 1:2,000, 1:1,000
//! and 1:500 (`J50K00130145`, 12 characters).
//!
//! Computed in whole sixteenths of an arc-second, in which every sheet's size is whole, so a
//! point on a sheet's edge belongs to the same sheet whatever the scale: the sheet to its
//! north and east (the edge is the sheet's south or west edge), as the standard's worked
//! examples take it. Compiled for the browser too: the map shows the numbers of the point a
//! user clicks without asking the server.

use crate::error::ErrorCode;

/// Sixteenths of an arc-second per degree.
const UNITS_PER_DEGREE: i64 = 3600 * 16;
/// The numbering covers the northern hemisphere up to 88° N (the polar caps are numbered
/// apart, and no township is there).
pub const MAX_LATITUDE: f64 = 88.0;

/// One scale of the series: its denominator, its letter and its sheet's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub denominator: u32,
    /// The scale's letter in a number (`B` for 1:500,000); none for 1:1,000,000.
    pub letter: Option<char>,
    /// The sheet's width and height in sixteenths of an arc-second.
    width: i64,
    height: i64,
}

impl Scale {
    const fn new(denominator: u32, letter: Option<char>, width_seconds_x16: i64, height_seconds_x16: i64) -> Scale {
        Scale { denominator, letter, width: width_seconds_x16, height: height_seconds_x16 }
    }

    /// The sheet's width and height in degrees.
    pub fn size_degrees(self) -> (f64, f64) {
        (self.width as f64 / UNITS_PER_DEGREE as f64, self.height as f64 / UNITS_PER_DEGREE as f64)
    }

    /// Rows (and columns) of this scale in a 1:1,000,000 sheet.
    fn per_million_sheet(self) -> i64 {
        MILLION.height / self.height
    }

    /// Digits of the row and of the column in a number: four at the three large scales the
    /// 2012 edition added (1:2,000 has only 576 rows, but its numbers are 12 characters too).
    fn digits(self) -> usize {
        if self.denominator <= 2_000 { 4 } else { 3 }
    }
}

const fn seconds(s: i64) -> i64 {
    s * 16
}

const MILLION: Scale = Scale::new(1_000_000, None, seconds(6 * 3600), seconds(4 * 3600));

/// Every scale of the series, smallest first (GB/T 13989—2012 table 1).
pub const SCALES: [Scale; 11] = [
    MILLION,
    Scale::new(500_000, Some('B'), seconds(3 * 3600), seconds(2 * 3600)),
    Scale::new(250_000, Some('C'), seconds(5400), seconds(3600)),
    Scale::new(100_000, Some('D'), seconds(1800), seconds(1200)),
    Scale::new(50_000, Some('E'), seconds(900), seconds(600)),
    Scale::new(25_000, Some('F'), seconds(450), seconds(300)),
    Scale::new(10_000, Some('G'), seconds(225), seconds(150)),
    // 1′52.5″ × 1′15″.
    Scale::new(5_000, Some('H'), 1800, seconds(75)),
    // 37.5″ × 25″, 18.75″ × 12.5″, 9.375″ × 6.25″.
    Scale::new(2_000, Some('I'), 600, seconds(25)),
    Scale::new(1_000, Some('J'), 300, 200),
    Scale::new(500, Some('K'), 150, 100),
];

/// One sheet: its scale, its number and its edges in degrees (CGCS2000).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapSheet {
    /// The scale's denominator (`10000` for 1:10,000).
    pub denominator: u32,
    /// The sheet's number (`J50G015010`).
    pub number: String,
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// The sheets holding the point at every scale, 1:1,000,000 first. A latitude outside 0°–88°
/// N or a longitude outside ±180° (or not a number) is refused by name.
pub fn sheets(latitude: f64, longitude: f64) -> Result<Vec<MapSheet>, Vec<(&'static str, ErrorCode)>> {
    let mut problems = Vec::new();
    if !(0.0..MAX_LATITUDE).contains(&latitude) {
        problems.push(("lat", ErrorCode::MapSheetLatitude));
    }
    if !(-180.0..180.0).contains(&longitude) {
        problems.push(("lon", ErrorCode::MapSheetLongitude));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // From the south-west corner of the numbering: the equator and 180° W.
    let north = (latitude * UNITS_PER_DEGREE as f64).floor() as i64;
    let east = ((longitude + 180.0) * UNITS_PER_DEGREE as f64).floor() as i64;
    let row = north / MILLION.height;
    let column = east / MILLION.width;
    let million = format!("{}{:02}", char::from(b'A' + row as u8), column + 1);
    // Where the point lies in its 1:1,000,000 sheet, from its south-west corner.
    let (up, right) = (north % MILLION.height, east % MILLION.width);
    let corner = |units: i64| units as f64 / UNITS_PER_DEGREE as f64;
    Ok(SCALES
        .iter()
        .map(|scale| {
            let (down_in, across) = (up / scale.height, right / scale.width);
            let number = match scale.letter {
                None => million.clone(),
                Some(letter) => {
                    let row = scale.per_million_sheet() - down_in;
                    let digits = scale.digits();
                    format!("{million}{letter}{row:0digits$}{:0digits$}", across + 1)
                }
            };
            let south = row * MILLION.height + down_in * scale.height;
            let west = column * MILLION.width + across * scale.width;
            MapSheet {
                denominator: scale.denominator,
                number,
                west: corner(west) - 180.0,
                south: corner(south),
                east: corner(west + scale.width) - 180.0,
                north: corner(south + scale.height),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Degrees of `d° m′ s″`.
    fn dms(d: f64, m: f64, s: f64) -> f64 {
        d + m / 60.0 + s / 3600.0
    }

    fn numbers(latitude: f64, longitude: f64) -> Vec<String> {
        sheets(latitude, longitude).expect("in range").into_iter().map(|sheet| sheet.number).collect()
    }

    /// The worked example of the surveying textbooks that teach GB/T 13989 (a point at
    /// 114°33′45″ E, 39°22′30″ N), at every scale down to 1:5,000.
    #[test]
    fn the_textbook_point_has_the_textbook_numbers() {
        let got = numbers(dms(39.0, 22.0, 30.0), dms(114.0, 33.0, 45.0));
        assert_eq!(
            got[..8],
            ["J50", "J50B001001", "J50C001001", "J50D002002", "J50E004003", "J50F008005", "J50G015010", "J50H030019"]
        );
    }

    /// Each scale's number walks the sheet grid: the sheets of a larger scale lie inside the
    /// smaller's, the rows are counted from the north, the sizes are the standard's.
    #[test]
    fn sheets_nest_and_have_the_standards_sizes() {
        // Changshu (常熟), 120°45′ E, 31°39′ N: the 1:1,000,000 sheet H51.
        let all = sheets(31.65, 120.75).expect("in range");
        assert_eq!(all[0].number, "H51");
        assert_eq!((all[0].west, all[0].south, all[0].east, all[0].north), (120.0, 28.0, 126.0, 32.0));
        for pair in all.windows(2) {
            let (outer, inner) = (&pair[0], &pair[1]);
            assert!(inner.west >= outer.west && inner.east <= outer.east, "{} in {}", inner.number, outer.number);
            assert!(inner.south >= outer.south && inner.north <= outer.north, "{} in {}", inner.number, outer.number);
            assert!(inner.number.starts_with("H51"));
        }
        let lengths: Vec<usize> = all.iter().map(|sheet| sheet.number.len()).collect();
        assert_eq!(lengths, [3, 10, 10, 10, 10, 10, 10, 10, 12, 12, 12]);
        let size = |i: usize| {
            let sheet = &all[i];
            let seconds = |degrees: f64| (degrees * 3600.0 * 1e6).round() / 1e6;
            (seconds(sheet.east - sheet.west), seconds(sheet.north - sheet.south))
        };
        assert_eq!(size(7), (112.5, 75.0));
        assert_eq!(size(8), (37.5, 25.0));
        assert_eq!(size(9), (18.75, 12.5));
        assert_eq!(size(10), (9.375, 6.25));
    }

    /// The north-west corner sheet of a 1:1,000,000 sheet is row 1, column 1 at every scale;
    /// the south-east one is the last row and column.
    #[test]
    fn corners_of_a_million_sheet_are_the_first_and_last_rows_and_columns() {
        let north_west = numbers(40.0 - 1e-9, 114.0);
        assert_eq!(
            north_west[1..],
            [
                "J50B001001",
                "J50C001001",
                "J50D001001",
                "J50E001001",
                "J50F001001",
                "J50G001001",
                "J50H001001",
                "J50I00010001",
                "J50J00010001",
                "J50K00010001",
            ]
        );
        let south_east = numbers(36.0, 120.0 - 1e-9);
        assert_eq!(
            south_east[1..],
            [
                "J50B002002",
                "J50C004004",
                "J50D012012",
                "J50E024024",
                "J50F048048",
                "J50G096096",
                "J50H192192",
                "J50I05760576",
                "J50J11521152",
                "J50K23042304",
            ]
        );
        // West of Greenwich and on the equator.
        assert_eq!(numbers(0.0, -0.5)[0], "A30");
        assert_eq!(numbers(0.0, 0.0)[0], "A31");
    }

    #[test]
    fn points_outside_the_numbering_are_refused_by_coordinate() {
        assert_eq!(sheets(-1.0, 120.0), Err(vec![("lat", ErrorCode::MapSheetLatitude)]));
        assert_eq!(sheets(88.0, 120.0), Err(vec![("lat", ErrorCode::MapSheetLatitude)]));
        assert_eq!(
            sheets(f64::NAN, 180.0),
            Err(vec![("lat", ErrorCode::MapSheetLatitude), ("lon", ErrorCode::MapSheetLongitude)])
        );
    }
}
