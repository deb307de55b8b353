//! The connection pool type every service takes.

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::{Object, Pool};

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;

/// A pool of at most `max_size` connections to `url`.
pub fn pool(url: &str, max_size: usize) -> Result<DbPool, String> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
    Pool::builder(manager).max_size(max_size).build().map_err(|e| e.to_string())
}
