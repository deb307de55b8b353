//! All configuration, from environment variables (and `.env`), read once at start-up: each
//! part by its own `from_environment()`, every value checked. A bad value stops the server
//! with a message naming the variable and saying what it must be; nothing falls back to a
//! default silently. Every variable is listed in the README. Secrets are `SecretString`s:
//! `Debug` never shows them, and they are exposed only where they are used.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::Duration;
use leptos::config::LeptosOptions;
use object_store::aws::AmazonS3ConfigKey;
use secrecy::{ExposeSecret, SecretString};
use shared::accounts::service::AuthPolicy;
use shared::audit::key::AuditKey;
use shared::events::service::duplicates::DuplicateWindow;
use shared::personal::Keyring;

use crate::rate_limit::{MAX_PER_MINUTE, RateLimits};

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub auth: AuthPolicy,
    pub demo: DemoConfig,
    pub uploads: UploadsConfig,
    pub rate_limits: RateLimits,
    pub supervision: SupervisionConfig,
    pub duplicates: DuplicateWindow,
    pub map: MapConfig,
    pub logging: LoggingConfig,
    pub admin: AdminConfig,
    pub backups: BackupConfig,
    pub audit: AuditConfig,
    pub personal: PersonalConfig,
    pub sensing: SensingConfig,
}

impl Config {
    pub fn from_environment() -> anyhow::Result<Self> {
        let database = DatabaseConfig::from_environment()?;
        let uploads = UploadsConfig::from_environment(&database.data_dir)?;
        let backups = BackupConfig::from_environment(&database.data_dir)?;
        let audit = AuditConfig::from_environment(&database.data_dir)?;
        let personal = PersonalConfig::from_environment(&database.data_dir)?;
        let sensing = SensingConfig::from_environment()?;
        Ok(Self {
            server: ServerConfig::from_environment()?,
            database,
            auth: auth_from_environment()?,
            demo: DemoConfig::from_environment()?,
            uploads,
            rate_limits: RateLimits::from_environment()?,
            supervision: SupervisionConfig::from_environment()?,
            duplicates: duplicates_from_environment()?,
            map: MapConfig::from_environment()?,
            logging: LoggingConfig::from_environment()?,
            admin: AdminConfig::from_environment(),
            backups,
            audit,
            personal,
            sensing,
        })
    }
}

/// Where the server listens and where its site files are: Leptos's own `LEPTOS_*` variables
/// (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, …), which `cargo leptos` and `scripts/run.sh` set.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub leptos: LeptosOptions,
    /// `TONGGUAN_METRICS_TOKEN`: the bearer token a Prometheus scraper presents to read
    /// `/metrics`; without it, only clients on this machine may.
    pub metrics_token: Option<SecretString>,
}

impl ServerConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        // Checked here first: Leptos's own message does not name the variable.
        parse_socket_address("LEPTOS_SITE_ADDR", var("LEPTOS_SITE_ADDR"))?;
        let mut leptos = leptos::config::get_configuration(None)
            .context("reading the LEPTOS_* variables (site address, site root, package directory)")?
            .leptos_options;
        if leptos.output_name.is_empty() {
            leptos.output_name = Arc::from("tongguan");
        }
        let metrics_token = var("TONGGUAN_METRICS_TOKEN").map(SecretString::from);
        if metrics_token.as_ref().is_some_and(|token| token.expose_secret().trim().len() < 16) {
            bail!("TONGGUAN_METRICS_TOKEN must have at least 16 characters");
        }
        Ok(Self { leptos, metrics_token })
    }

    /// The listening address.
    pub fn address(&self) -> SocketAddr {
        self.leptos.site_addr
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// `DATABASE_URL`: an external server (the URL may carry a password). Without it the
    /// embedded cluster is used.
    pub url: Option<SecretString>,
    /// `TONGGUAN_DATA_DIR` (default `./data`): where the embedded cluster lives.
    pub data_dir: PathBuf,
    /// `TONGGUAN_PG_PORT` (default 54329): the embedded cluster's port on 127.0.0.1.
    pub embedded_port: u16,
    /// `TONGGUAN_PG_BIN`: directory of `initdb`/`pg_ctl`, if not on PATH or in /usr/lib/postgresql.
    pub pg_bin: Option<PathBuf>,
    /// `TONGGUAN_DB_POOL_SIZE` (default 16).
    pub pool_size: usize,
}

impl DatabaseConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        Ok(Self {
            url: var("DATABASE_URL").map(SecretString::from),
            data_dir: var("TONGGUAN_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("data")),
            embedded_port: whole("TONGGUAN_PG_PORT", 54329, 1, Some(u16::MAX), "a port number")?,
            pg_bin: var("TONGGUAN_PG_BIN").map(PathBuf::from),
            pool_size: whole("TONGGUAN_DB_POOL_SIZE", 16, 1, Some(1000), "connections")?,
        })
    }
}

/// Sessions and the login lockout (`TONGGUAN_SESSION_*`, `TONGGUAN_MAX_FAILED_LOGINS`,
/// `TONGGUAN_LOCKOUT_MINUTES`, `TONGGUAN_SECURE_COOKIES`, `TONGGUAN_SINGLE_SESSION`,
/// `TONGGUAN_PASSWORD_MAX_AGE_DAYS`: 90 by default, 0 for passwords that never expire;
/// `TONGGUAN_ADMIN_SECOND_FACTOR`: administrators log in with a one-time code too).
pub fn auth_from_environment() -> anyhow::Result<AuthPolicy> {
    // The upper bounds keep every duration within what `chrono` can hold.
    Ok(AuthPolicy {
        idle_timeout: Duration::minutes(whole(
            "TONGGUAN_SESSION_IDLE_MINUTES",
            30,
            1,
            Some(MINUTES_A_YEAR),
            "minutes",
        )?),
        absolute_timeout: Duration::hours(whole("TONGGUAN_SESSION_MAX_HOURS", 12, 1, Some(24 * 366), "hours")?),
        max_failed_logins: whole("TONGGUAN_MAX_FAILED_LOGINS", 5, 1, None, "failed logins")?,
        lockout: Duration::minutes(whole("TONGGUAN_LOCKOUT_MINUTES", 15, 0, Some(MINUTES_A_YEAR), "minutes")?),
        secure_cookies: flag("TONGGUAN_SECURE_COOKIES")?,
        single_session: flag("TONGGUAN_SINGLE_SESSION")?,
        password_max_age: match whole("TONGGUAN_PASSWORD_MAX_AGE_DAYS", 90, 0, Some(3660), "days")? {
            0 => None,
            days => Some(Duration::days(days)),
        },
        admin_second_factor: flag("TONGGUAN_ADMIN_SECOND_FACTOR")?,
    })
}

const MINUTES_A_YEAR: i64 = 366 * 24 * 60;

/// `TONGGUAN_DEMO`: seed the demo township on an empty database and show the demo accounts
/// on the login page.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoConfig {
    pub enabled: bool,
}

impl DemoConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        Ok(Self { enabled: flag("TONGGUAN_DEMO")? })
    }
}

/// Where photos are kept.
#[derive(Debug, Clone)]
pub enum UploadsConfig {
    /// `TONGGUAN_UPLOAD_DIR` (default `<data dir>/uploads`).
    Directory(PathBuf),
    /// `TONGGUAN_S3_BUCKET`, with the object store's `AWS_*` variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`, `AWS_ALLOW_HTTP`, …), each kept
    /// secret: several of them are credentials.
    S3 { bucket: String, options: Vec<(AmazonS3ConfigKey, SecretString)> },
}

impl UploadsConfig {
    pub fn from_environment(data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(bucket) = var("TONGGUAN_S3_BUCKET") {
            // The same variables `AmazonS3Builder::from_env` takes: every `AWS_*` that names
            // one of its settings.
            let options = std::env::vars_os()
                .filter_map(|(name, value)| {
                    let name = name.to_str()?;
                    let key = name.strip_prefix("AWS_").and(name.to_ascii_lowercase().parse().ok())?;
                    Some((key, SecretString::from(value.to_str()?)))
                })
                .collect();
            return Ok(Self::S3 { bucket: bucket.trim().to_owned(), options });
        }
        let dir = var("TONGGUAN_UPLOAD_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("uploads"));
        Ok(Self::Directory(dir))
    }
}

impl RateLimits {
    /// Per-address quotas (`TONGGUAN_*RATE_LIMIT_PER_MINUTE`, `TONGGUAN_TRUST_PROXY`).
    pub fn from_environment() -> anyhow::Result<Self> {
        let defaults = Self::default();
        let per_minute =
            |name: &str, default: u32| whole(name, default, 1, Some(MAX_PER_MINUTE), "requests per minute");
        Ok(Self {
            auth_per_minute: per_minute("TONGGUAN_RATE_LIMIT_PER_MINUTE", defaults.auth_per_minute)?,
            report_per_minute: per_minute("TONGGUAN_REPORT_RATE_LIMIT_PER_MINUTE", defaults.report_per_minute)?,
            track_per_minute: per_minute("TONGGUAN_TRACK_RATE_LIMIT_PER_MINUTE", defaults.track_per_minute)?,
            open311_per_minute: per_minute("TONGGUAN_OPEN311_RATE_LIMIT_PER_MINUTE", defaults.open311_per_minute)?,
            trust_proxy: flag("TONGGUAN_TRUST_PROXY")?,
        })
    }
}

/// The supervision job (`events::jobs`).
#[derive(Debug, Clone, Copy)]
pub struct SupervisionConfig {
    /// `TONGGUAN_ESCALATION_GRACE_MINUTES` (default 240): how long after its deadline an
    /// overdue event is escalated.
    pub escalation_grace: Duration,
}

impl SupervisionConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        let minutes = whole("TONGGUAN_ESCALATION_GRACE_MINUTES", 240, 0, Some(MINUTES_A_YEAR), "minutes")?;
        Ok(Self { escalation_grace: Duration::minutes(minutes) })
    }
}

/// Suggested duplicates: `TONGGUAN_DUPLICATE_METRES` (default 100) and
/// `TONGGUAN_DUPLICATE_DAYS` (default 7).
pub fn duplicates_from_environment() -> anyhow::Result<DuplicateWindow> {
    let default = DuplicateWindow::default();
    Ok(DuplicateWindow {
        metres: metres("TONGGUAN_DUPLICATE_METRES", var("TONGGUAN_DUPLICATE_METRES"), default.metres)?,
        days: whole("TONGGUAN_DUPLICATE_DAYS", default.days, 1, Some(3660), "days")?,
    })
}

/// The maps.
#[derive(Debug, Clone, Default)]
pub struct MapConfig {
    /// `TONGGUAN_TILE_URL`: a raster tile URL template; without it the maps draw the
    /// township's own layers alone.
    pub tile_url: Option<String>,
}

impl MapConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        Ok(Self { tile_url: parse_tile_url("TONGGUAN_TILE_URL", var("TONGGUAN_TILE_URL"))? })
    }
}

/// The logs (`telemetry::init`).
#[derive(Debug, Clone)]
pub struct LoggingConfig {
    /// `RUST_LOG` (default `info,tower_http=info`).
    pub filter: String,
    /// `TONGGUAN_LOG_FORMAT`: `json` for structured logs, `text` (the default) for people.
    pub json: bool,
}

impl LoggingConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        let filter = var("RUST_LOG").unwrap_or_else(|| "info,tower_http=info".to_owned());
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&filter) {
            bail!("RUST_LOG must be a log filter such as \"info\" or \"warn,server=debug\", got {filter:?}: {error}");
        }
        let json = match var("TONGGUAN_LOG_FORMAT").map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => bail!("TONGGUAN_LOG_FORMAT must be \"text\" or \"json\", got {other:?}"),
        };
        Ok(Self { filter, json })
    }
}

/// Backups and restore drills (`shared::operations::backup`).
#[derive(Debug, Clone)]
pub struct BackupConfig {
    /// `TONGGUAN_BACKUP_DIR` (default `<data dir>/backups`).
    pub directory: PathBuf,
    /// `TONGGUAN_BACKUP_INTERVAL_HOURS` (default 24; 0 turns scheduled backups off).
    pub interval_hours: u32,
    /// `TONGGUAN_BACKUP_KEEP` (default 14): dumps kept.
    pub keep: u32,
    /// `TONGGUAN_DRILL_INTERVAL_HOURS` (default 168, weekly; 0 turns scheduled drills off).
    pub drill_interval_hours: u32,
}

impl BackupConfig {
    pub fn from_environment(data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            directory: var("TONGGUAN_BACKUP_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("backups")),
            interval_hours: whole("TONGGUAN_BACKUP_INTERVAL_HOURS", 24, 0, Some(24 * 366), "hours")?,
            keep: whole("TONGGUAN_BACKUP_KEEP", 14, 1, Some(1000), "backups")?,
            drill_interval_hours: whole("TONGGUAN_DRILL_INTERVAL_HOURS", 168, 0, Some(24 * 366), "hours")?,
        })
    }

    /// With the database to back up.
    pub fn settings(&self, url: &SecretString, pg_bin: Option<&Path>) -> shared::operations::backup::BackupSettings {
        shared::operations::backup::BackupSettings {
            directory: self.directory.clone(),
            interval_hours: self.interval_hours,
            drill_interval_hours: self.drill_interval_hours,
            keep: self.keep,
            database_url: url.clone(),
            pg_bin: pg_bin.map(Path::to_path_buf),
        }
    }
}

/// Monitoring stations' readings (`shared::sensing`).
#[derive(Debug, Clone)]
pub struct SensingConfig {
    /// `TONGGUAN_MQTT_URL` (`mqtt://[user:password@]host[:port]`): the broker the stations
    /// publish to, which the server subscribes to; unset, readings come by HTTP only.
    pub mqtt: Option<crate::sensing_mqtt::Broker>,
    /// `TONGGUAN_READINGS_RETENTION_MONTHS` (default 24, least 4): months of readings kept.
    pub retention_months: i32,
}

impl SensingConfig {
    pub fn from_environment() -> anyhow::Result<Self> {
        let mqtt = var("TONGGUAN_MQTT_URL")
            .map(|text| {
                let topic_prefix = var("TONGGUAN_MQTT_TOPIC_PREFIX").unwrap_or_else(|| "tongguan".to_owned());
                crate::sensing_mqtt::Broker::parse(&text, &topic_prefix, var("TONGGUAN_MQTT_CLIENT_ID"))
                    .map_err(|reason| anyhow::anyhow!("TONGGUAN_MQTT_URL {reason}"))
            })
            .transpose()?;
        let default = shared::sensing::service::partitions::RETENTION_MONTHS;
        let retention_months = whole("TONGGUAN_READINGS_RETENTION_MONTHS", default, 4, Some(1200), "months")?;
        Ok(Self { mqtt, retention_months })
    }
}

/// The key that seals the audit log: `TONGGUAN_AUDIT_KEY` (hexadecimal, at least 32 bytes),
/// else the key file `<data dir>/audit.key`, made with a new random key when a command first
/// needs it. Every process on one database needs the same key; keep a copy apart from the
/// backups, whose audit log cannot be verified without it.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    key: Option<AuditKey>,
    file: PathBuf,
    /// `TONGGUAN_AUDIT_RETENTION_DAYS` (default and least 180, as the standard asks): records
    /// older than this move to the archive (`shared::audit::archive`), never away.
    pub retention_days: u32,
    /// `TONGGUAN_CALL_LOG_RETENTION_DAYS` (default 365, least 180): rows of the interface
    /// call log older than this are deleted (`shared::credentials::call_log`).
    pub call_log_retention_days: u32,
}

impl AuditConfig {
    pub fn from_environment(data_dir: &Path) -> anyhow::Result<Self> {
        let key = var("TONGGUAN_AUDIT_KEY")
            .map(|text| AuditKey::from_hex(&text).map_err(|reason| anyhow::anyhow!("TONGGUAN_AUDIT_KEY {reason}")))
            .transpose()?;
        let min = shared::audit::archive::MIN_RETENTION_DAYS;
        let retention_days = whole("TONGGUAN_AUDIT_RETENTION_DAYS", min, min, Some(36_500), "days")?;
        let min = shared::credentials::call_log::MIN_RETENTION_DAYS;
        let call_log_retention_days = whole("TONGGUAN_CALL_LOG_RETENTION_DAYS", 365, min, Some(36_500), "days")?;
        Ok(Self { key, file: data_dir.join("audit.key"), retention_days, call_log_retention_days })
    }

    /// The key: the variable's, else the key file's (made first if there is none).
    pub fn key(&self) -> anyhow::Result<AuditKey> {
        if let Some(key) = &self.key {
            return Ok(key.clone());
        }
        let text = key_file(&self.file, "the audit key file", AuditKey::generate_hex)?;
        AuditKey::from_hex(&text)
            .map_err(|reason| anyhow::anyhow!("the audit key file {} {reason}", self.file.display()))
    }
}

/// The text of the key file `file`, which is made first with `generate()` if there is none:
/// readable by this user only, and never overwriting one another process made meanwhile.
fn key_file(file: &Path, what: &str, generate: impl FnOnce() -> String) -> anyhow::Result<String> {
    if !file.exists() {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(file) {
            Ok(mut out) => out
                .write_all(generate().as_bytes())
                .and_then(|()| out.sync_all())
                .with_context(|| format!("writing {what} {}", file.display()))?,
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error).with_context(|| format!("creating {what} {}", file.display())),
        }
    }
    std::fs::read_to_string(file).with_context(|| format!("reading {what} {}", file.display()))
}

/// The keys that seal personal data (`shared::personal::keys`): `TONGGUAN_PERSONAL_KEYS`
/// (`index:<hex> 1:<hex> 2:<hex>…`, separated by spaces or commas), else the key file
/// `<data dir>/personal.keys`, made with a new index key and SM4 key 1 when a command first
/// needs it. Every process on one database needs the same keys; keep a copy apart from the
/// backups, whose residents' numbers cannot be read without it.
#[derive(Debug, Clone)]
pub struct PersonalConfig {
    keyring: Option<Keyring>,
    file: PathBuf,
}

impl PersonalConfig {
    pub fn from_environment(data_dir: &Path) -> anyhow::Result<Self> {
        let keyring = var("TONGGUAN_PERSONAL_KEYS")
            .map(|text| Keyring::parse(&text).map_err(|reason| anyhow::anyhow!("TONGGUAN_PERSONAL_KEYS: {reason}")))
            .transpose()?;
        Ok(Self { keyring, file: data_dir.join("personal.keys") })
    }

    /// The keyring: the variable's, else the key file's (made first if there is none).
    pub fn keyring(&self) -> anyhow::Result<Keyring> {
        if let Some(keyring) = &self.keyring {
            return Ok(keyring.clone());
        }
        let text = key_file(&self.file, "the personal-data key file", Keyring::generate)?;
        Keyring::parse(&text)
            .map_err(|reason| anyhow::anyhow!("the personal-data key file {}: {reason}", self.file.display()))
    }

    /// Adds a new SM4 key after the newest (the first half of a rotation): to the key file,
    /// replaced whole so that a reader never sees half of it; with the keys in the variable,
    /// only said, for the operator to add there. Returns what was done, to print.
    pub fn add_key(&self) -> anyhow::Result<String> {
        let keyring = self.keyring()?;
        let version =
            keyring.current().checked_add(1).context("the keyring already holds key 255, the last version")?;
        let line = Keyring::key_line(version);
        if self.keyring.is_some() {
            return Ok(format!(
                "TONGGUAN_PERSONAL_KEYS is set: add this key to it on every process, restart them, then run \
                 `tongguan personal-data reseal`:\n{line}"
            ));
        }
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let text = std::fs::read_to_string(&self.file)?;
        let next = self.file.with_extension("keys.new");
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&next)
            .with_context(|| format!("creating {}", next.display()))?;
        out.write_all(format!("{}\n{line}\n", text.trim_end()).as_bytes()).and_then(|()| out.sync_all())?;
        std::fs::rename(&next, &self.file).with_context(|| format!("replacing {}", self.file.display()))?;
        Ok(format!(
            "key {version} added to {}: restart every process that uses it, then run `tongguan personal-data reseal`",
            self.file.display()
        ))
    }
}

/// `tongguan admin create`.
#[derive(Debug, Clone, Default)]
pub struct AdminConfig {
    /// `TONGGUAN_ADMIN_PASSWORD`: the new account's password; without it, it is read from
    /// standard input.
    pub password: Option<SecretString>,
}

impl AdminConfig {
    pub fn from_environment() -> Self {
        Self { password: var("TONGGUAN_ADMIN_PASSWORD").map(SecretString::from) }
    }
}

/// A variable's value; unset and blank are the same (a blank line in `.env` means "the
/// default").
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A whole number from `min` (to `max`), or the default when unset.
fn whole<T>(name: &str, default: T, min: T, max: Option<T>, unit: &str) -> anyhow::Result<T>
where
    T: FromStr + PartialOrd + std::fmt::Display + Copy,
{
    parse_whole(name, var(name), default, min, max, unit)
}

fn parse_whole<T>(
    name: &str,
    value: Option<String>,
    default: T,
    min: T,
    max: Option<T>,
    unit: &str,
) -> anyhow::Result<T>
where
    T: FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(value) = value else { return Ok(default) };
    match value.trim().parse::<T>() {
        Ok(n) if n >= min && max.is_none_or(|max| n <= max) => Ok(n),
        _ => {
            let range = match max {
                Some(max) => format!("from {min} to {max}"),
                None => format!("≥ {min}"),
            };
            bail!("{name} must be a whole number of {unit} {range}, got {value:?}")
        }
    }
}

/// A distance in metres, more than zero.
fn metres(name: &str, value: Option<String>, default: f64) -> anyhow::Result<f64> {
    let Some(value) = value else { return Ok(default) };
    match value.trim().parse::<f64>() {
        Ok(m) if m.is_finite() && m > 0.0 && m <= 100_000.0 => Ok(m),
        _ => bail!("{name} must be a number of metres more than 0 and at most 100000, got {value:?}"),
    }
}

/// On or off: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`; unset is off.
fn flag(name: &str) -> anyhow::Result<bool> {
    parse_flag(name, var(name))
}

fn parse_flag(name: &str, value: Option<String>) -> anyhow::Result<bool> {
    let Some(value) = value else { return Ok(false) };
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("{name} must be 1, true, yes or on (or 0, false, no, off), got {value:?}"),
    }
}

fn parse_socket_address(name: &str, value: Option<String>) -> anyhow::Result<Option<SocketAddr>> {
    let Some(value) = value else { return Ok(None) };
    match value.trim().parse() {
        Ok(address) => Ok(Some(address)),
        Err(_) => bail!("{name} must be an address and port such as 127.0.0.1:3000, got {value:?}"),
    }
}

/// A tile URL template must name its tile (`{z}`, `{x}`, `{y}`) and an http(s) origin the
/// page's security policy can allow; otherwise the browser would refuse every tile.
fn parse_tile_url(name: &str, value: Option<String>) -> anyhow::Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let url = value.trim();
    let names_tile = ["{z}", "{x}", "{y}"].iter().all(|part| url.contains(part));
    if !names_tile || crate::security_headers::tile_origin(url).is_none() {
        bail!("{name} must be an http(s) URL template with {{z}}, {{x}} and {{y}}, got {value:?}");
    }
    Ok(Some(url.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_must_be_a_positive_number_and_the_message_names_the_variable() {
        let name = "TONGGUAN_RATE_LIMIT_PER_MINUTE";
        let parse = |value: Option<&str>| {
            parse_whole(name, value.map(str::to_owned), 10, 1, Some(MAX_PER_MINUTE), "requests per minute")
        };
        assert_eq!(parse(None).expect("default"), 10);
        assert_eq!(parse(Some(" 600 ")).expect("set"), 600);
        for bad in ["0", "-1", "ten", "1.5", "4294967296", "1000001"] {
            let message = parse(Some(bad)).expect_err(bad).to_string();
            assert!(message.contains(name) && message.contains(bad), "{message}");
        }
    }

    #[test]
    fn a_bad_grace_period_stops_the_start_with_a_message_saying_what_it_must_be() {
        let name = "TONGGUAN_ESCALATION_GRACE_MINUTES";
        let parse = |value: &str| parse_whole(name, Some(value.to_owned()), 240, 0, Some(MINUTES_A_YEAR), "minutes");
        assert_eq!(parse("0").expect("zero is allowed"), 0);
        assert_eq!(
            parse("abc").expect_err("not a number").to_string(),
            "TONGGUAN_ESCALATION_GRACE_MINUTES must be a whole number of minutes from 0 to 527040, got \"abc\""
        );
        assert!(parse("-5").is_err());
        assert!(parse("9223372036854775807").is_err(), "too large for a duration");
    }

    #[test]
    fn flags_are_on_or_off_and_nothing_else() {
        let name = "TONGGUAN_DEMO";
        for on in ["1", "true", "YES", " on "] {
            assert!(parse_flag(name, Some(on.into())).expect(on));
        }
        for off in ["0", "false", "No", "off"] {
            assert!(!parse_flag(name, Some(off.into())).expect(off));
        }
        assert!(!parse_flag(name, None).expect("unset"));
        let message = parse_flag(name, Some("maybe".into())).expect_err("refused").to_string();
        assert!(message.contains(name) && message.contains("maybe"), "{message}");
    }

    #[test]
    fn duplicate_distances_are_positive_metres() {
        let name = "TONGGUAN_DUPLICATE_METRES";
        assert_eq!(metres(name, None, 100.0).expect("default"), 100.0);
        assert_eq!(metres(name, Some("50.5".into()), 100.0).expect("set"), 50.5);
        for bad in ["0", "-3", "NaN", "inf", "far"] {
            let message = metres(name, Some(bad.into()), 100.0).expect_err(bad).to_string();
            assert!(message.contains(name) && message.contains(bad), "{message}");
        }
    }

    #[test]
    fn a_tile_url_must_name_its_tile_on_an_http_origin() {
        let name = "TONGGUAN_TILE_URL";
        let good = "https://t{s}.tiles.example/img/{z}/{x}/{y}.png";
        assert_eq!(parse_tile_url(name, Some(format!(" {good} "))).expect("valid"), Some(good.to_owned()));
        assert_eq!(parse_tile_url(name, None).expect("unset"), None);
        for bad in ["https://tiles.example/img.png", "ftp://tiles.example/{z}/{x}/{y}", "{z}/{x}/{y}"] {
            let message = parse_tile_url(name, Some(bad.into())).expect_err(bad).to_string();
            assert!(message.contains(name) && message.contains(bad), "{message}");
        }
    }

    #[test]
    fn a_listening_address_needs_a_port() {
        assert!(parse_socket_address("LEPTOS_SITE_ADDR", Some("127.0.0.1:3000".into())).is_ok());
        let message =
            parse_socket_address("LEPTOS_SITE_ADDR", Some("localhost".into())).expect_err("no port").to_string();
        assert!(message.contains("LEPTOS_SITE_ADDR") && message.contains("localhost"), "{message}");
    }

    #[test]
    fn secrets_never_print() {
        let config = AdminConfig { password: Some(SecretString::from("hunter2-very-secret")) };
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
