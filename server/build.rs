//! The migrations are embedded in the binary (`database::MIGRATIONS`); a proc macro cannot
//! tell Cargo to watch a directory, so a new migration would be missed by an incremental
//! build without this.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
