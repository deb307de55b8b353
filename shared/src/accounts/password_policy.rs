//! Password complexity, following the usual GB/T 22239 (等保 2.0) level 3 practice:
//! long enough, several character classes, not derived from the username, and not one of
//! the passwords that guessing tools try first.
//!
//! Runs in the browser (instant feedback) and on the server (the authority) alike, so
//! it must stay free of I/O and allocation-heavy data.

use crate::error::ErrorCode;

/// Fewer characters than this are rejected.
pub const MIN_LENGTH: usize = 10;
/// More characters than this are rejected: an upper bound keeps the password hash (and
/// the common-password scan below) cheap, so long inputs cannot be used to tie up the server.
pub const MAX_LENGTH: usize = 128;

/// Validates a new password for the account `username`.
///
/// Error codes, checked in this order (lengths count characters, not bytes):
/// - `password.too_short`: fewer than [`MIN_LENGTH`] characters;
/// - `password.too_long`: more than [`MAX_LENGTH`] characters;
/// - `password.classes`: fewer than three of lower case, upper case, ASCII digits, and
///   others (symbols, spaces, Chinese characters...);
/// - `password.contains_username`: contains the username, ignoring case, if the username
///   has at least 3 characters (shorter ones would match by accident);
/// - `password.common`: a common or easily guessed password (see [`is_common`]).
pub fn validate(password: &str, username: &str) -> Result<(), ErrorCode> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(ErrorCode::PasswordTooShort);
    }
    if length > MAX_LENGTH {
        return Err(ErrorCode::PasswordTooLong);
    }
    if classes(password) < 3 {
        return Err(ErrorCode::PasswordClasses);
    }
    let lower = password.to_lowercase();
    let username = username.trim().to_lowercase();
    if username.chars().count() >= 3 && lower.contains(&username) {
        return Err(ErrorCode::PasswordContainsUsername);
    }
    if is_common(password) {
        return Err(ErrorCode::PasswordCommon);
    }
    Ok(())
}

/// How many of the four character classes `password` uses.
fn classes(password: &str) -> usize {
    let mut used = [false; 4];
    for c in password.chars() {
        let class = if c.is_lowercase() {
            0
        } else if c.is_uppercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        used[class] = true;
    }
    used.iter().filter(|&&u| u).count()
}

/// Whether `password` is common or easily guessed.
///
/// Complexity rules push people to decorate a weak word: `Password123!`, `P@ssw0rd2024`.
/// Guessing tools undo exactly that, so this does too: the password is lower-cased, the
/// leading and trailing digits and symbols are peeled off, and the remaining core is
/// de-leeted (`@`→a, `0`→o, `1`→i or l, `3`→e, `4`→a, `5`/`$`→s, `7`→t, `!`→i). It is
/// common if
/// - the whole password is in the list, or it has no letters at all;
/// - the core, with or without some of the nearest peeled characters (`@dmin`, `1qaz2wsx`), as
///   typed or de-leeted, is in the list, a keyboard walk (`qwertyuiop`, `zaq12wsx`) or a
///   run (`aaaa`, `abcd`, `dcba`, `abab`, `abcabc`);
/// - the core is shorter than 3 letters, so the decorations carry all the strength, and
///   both its digits and its symbols are short, listed, walks or runs (`Ab12345678!`).
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    if is_listed(&lower) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    let (Some(start), Some(last)) =
        (chars.iter().position(|c| c.is_alphabetic()), chars.iter().rposition(|c| c.is_alphabetic()))
    else {
        return true;
    };
    let end = last + 1;
    // Leet and walks reach a few characters into the decorations (`@dmin`, `1qaz2wsx`);
    // bounding how far keeps the scan quadratic in a small number, not in the length.
    for from in start.saturating_sub(PEEL_BACK)..=start {
        for to in end..=chars.len().min(end + PEEL_BACK) {
            if is_guessable(&chars[from..to]) {
                return true;
            }
        }
    }
    if end - start < 3 {
        let (digits, symbols): (Vec<char>, Vec<char>) =
            chars[..start].iter().chain(&chars[end..]).partition(|c| c.is_ascii_digit());
        return is_weak_decoration(&digits) && is_weak_decoration(&symbols);
    }
    false
}

/// How many peeled characters on each side may be put back when looking for a weak core.
const PEEL_BACK: usize = 8;

/// Whether `candidate`, as typed or de-leeted either way, is listed or a pattern.
fn is_guessable(candidate: &[char]) -> bool {
    [None, Some('i'), Some('l')].into_iter().any(|one| {
        let word: Vec<char> = match one {
            None => candidate.to_vec(),
            Some(one) => candidate.iter().map(|&c| unleet(c, one)).collect(),
        };
        is_listed(&word.iter().collect::<String>()) || is_pattern(&word)
    })
}

fn is_weak_decoration(part: &[char]) -> bool {
    part.len() < 3 || is_pattern(part) || is_listed(&part.iter().collect::<String>())
}

/// The letter a leet character stands for; `one` is the reading chosen for `1`.
fn unleet(c: char, one: char) -> char {
    match c {
        '@' | '4' => 'a',
        '0' => 'o',
        '1' => one,
        '3' => 'e',
        '5' | '$' => 's',
        '7' => 't',
        '!' => 'i',
        other => other,
    }
}

/// Runs and keyboard walks of at least 3 characters: every step repeats the character,
/// goes one up or one down (`abcd`, `4321`), or moves to a neighbouring key; or the
/// whole is a repeated short, listed or patterned unit (`abab`, `woainiwoaini`).
fn is_pattern(s: &[char]) -> bool {
    if s.len() < 3 {
        return false;
    }
    let every_step = |step: fn(char, char) -> bool| s.windows(2).all(|w| step(w[0], w[1]));
    every_step(|a, b| a == b)
        || every_step(|a, b| u32::from(a) + 1 == u32::from(b))
        || every_step(|a, b| u32::from(a) == u32::from(b) + 1)
        || every_step(keyboard_neighbours)
        || is_repetition(s)
}

/// Whether `s` is two or more copies of a unit that is itself weak.
fn is_repetition(s: &[char]) -> bool {
    // The shortest repeating unit decides: longer ones are repetitions of it.
    let Some(unit) = (1..=s.len() / 2)
        .filter(|&n| s.len().is_multiple_of(n))
        .map(|n| &s[..n])
        .find(|unit| s.chunks(unit.len()).all(|chunk| chunk == *unit))
    else {
        return false;
    };
    unit.len() < 3 || is_listed(&unit.iter().collect::<String>()) || is_pattern(unit)
}

/// Key sequences on a US layout (what Chinese keyboards use) in which consecutive keys
/// are neighbours: the rows, and the column zig-zags people type for "complex" passwords
/// (`1qaz2wsx`, `qazwsxedc`). Shifted symbols count as their key (see [`unshift`]).
const KEYBOARD_WALKS: [&str; 6] = [
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "qazwsxedcrfvtgbyhnujmikolp",
];

fn keyboard_neighbours(a: char, b: char) -> bool {
    let (a, b) = (unshift(a), unshift(b));
    KEYBOARD_WALKS
        .iter()
        .any(|walk| walk.chars().zip(walk.chars().skip(1)).any(|pair| pair == (a, b) || pair == (b, a)))
}

/// Shifted symbols, and below them the keys that type them.
const SHIFTED: &str = "~!@#$%^&*()_+{}|:\"<>?";
const UNSHIFTED: &str = "`1234567890-=[]\\;',./";

/// The unshifted key that types `c`, so that `!@#$` walks like `1234` and `!QAZ2wsx`
/// like `1qaz2wsx`.
fn unshift(c: char) -> char {
    SHIFTED.chars().zip(UNSHIFTED.chars()).find_map(|(shifted, key)| (shifted == c).then_some(key)).unwrap_or(c)
}

fn is_listed(word: &str) -> bool {
    COMMON.binary_search(&word).is_ok()
}

/// Base words and patterns that top leaked-password lists and guessing dictionaries,
/// English and Chinese (pinyin words, common surnames and names, lucky and "I love you"
/// numbers such as 5201314). Decorated variants need not be listed: [`is_common`] strips
/// and de-leets. Sorted, for binary search (a test checks).
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "000000", "111111", "112233", "123123", "123321", "123456", "1234567", "12345678",
    "123456789", "1234567890", "1314", "1314520", "147258", "147258369", "159357", "159753",
    "168168", "1q2w3e", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "1qaz2wsx3edc", "520", "5201314",
    "520520", "521", "654321", "666666", "7758258", "7758521", "789456", "888888", "987654321",
    "a123456", "a1b2c3", "aa123456", "abc", "abc123", "abcd", "abcde", "abcdef", "abcdefg",
    "access", "admin", "admin123", "admin888", "administrator", "admins", "aiai", "aini",
    "aiqing", "alibaba", "andrew", "android", "angel", "apple", "arsenal", "asd", "asd123",
    "asdf", "asdfg", "asdfgh", "asdfghjkl", "asdfqwer", "ashley", "autumn", "baby", "babygirl",
    "baidu", "banana", "bangong", "baobao", "barcelona", "baseball", "basketball", "batman",
    "beibei", "beijing", "boss", "buster", "butterfly", "cai", "cao", "caonima", "changeme",
    "charlie", "chelsea", "chen", "cheng", "chengdu", "cherry", "china", "chocolate",
    "chongqing", "cisco", "company", "computer", "cookie", "cunwei", "dandan", "dangyuan",
    "daniel", "database", "default", "demo", "deng", "diamond", "didi", "ding", "dolphin",
    "dong", "dragon", "du", "eagle", "falcon", "family", "fan", "feifei", "feng", "ferrari",
    "flower", "football", "forever", "freedom", "friend", "friends", "fu", "gao", "gege",
    "george", "ginger", "god", "golden", "gongzuo", "google", "guangzhou", "guest", "guo",
    "hacker", "haha", "hahaha", "han", "hangzhou", "happy", "harley", "he", "heaven", "hehe",
    "hehehe", "hello", "hey", "hi", "hockey", "honey", "hu", "huahua", "huang", "huawei",
    "hunter", "iloveu", "iloveyou", "internet", "iphone", "jennifer", "jessica", "jesus",
    "jiang", "jiedao", "jiejie", "jin", "jingjing", "jordan", "joshua", "killer", "kuaile",
    "laogong", "laopo", "lele", "letmein", "li", "liang", "lijing", "lili", "lin", "lina",
    "linux", "lion", "liu", "liuwei", "liverpool", "liwei", "login", "logon", "love", "lovely",
    "loveme", "lover", "loveyou", "lu", "lucky", "luo", "lv", "ma", "maggie", "magic",
    "manager", "master", "matrix", "matthew", "meimei", "michael", "microsoft", "mima",
    "mimama", "money", "monkey", "motdepasse", "mustang", "mysql", "nanjing", "network",
    "nihao", "nihaoma", "nothing", "office", "operator", "oracle", "orange", "owner", "pan",
    "pass", "pass123", "passpass", "passw", "passwd", "password", "passwort", "peanut", "peng",
    "pepper", "pingan", "pokemon", "porsche", "prince", "princess", "private", "purple",
    "q1w2e3r4", "qazwsx", "qazwsxedc", "qian", "qingqing", "qq", "qq123456", "qwe", "qwe123",
    "qweasd", "qweasdzxc", "qwer", "qwerasdf", "qwerasdfzxcv", "qwerty", "qwertyu", "qwertyui",
    "qwertyuiop", "rainbow", "ranger", "ren", "robert", "root", "root123", "router", "samsung",
    "secret", "server", "service", "shabi", "shadow", "shanghai", "shen", "shenzhen", "shequ",
    "silver", "smile", "soccer", "song", "spiderman", "spring", "starwars", "su", "summer",
    "sun", "sunshine", "super", "superman", "superuser", "supervisor", "support", "sweet",
    "sweetheart", "sysadmin", "system", "tang", "taobao", "temp", "tencent", "test", "test123",
    "tester", "testing", "thomas", "tian", "tianjin", "tiantian", "tiger", "tigger", "tingting",
    "toor", "trustno", "ubuntu", "user", "users", "wang", "wangfang", "wangjing", "wangli",
    "wangwei", "wanshiruyi", "wechat", "wei", "weixin", "welcome", "wen", "whatever", "william",
    "windows", "winter", "woaini", "woaini1314", "woaini520", "woainima", "woaiwojia",
    "woaiwoma", "wocao", "wojiushiwo", "woshishui", "wu", "wuhan", "xiangzhen", "xiao",
    "xiaobao", "xiaohong", "xiaoli", "xiaomei", "xiaomi", "xiaoming", "xiaowang", "xiaoyu",
    "xiaozhang", "xie", "xingfu", "xixi", "xu", "xue", "yang", "yangyang", "yao", "ye", "yu",
    "yuan", "zaq12wsx", "zaq1xsw2", "zeng", "zhang", "zhangli", "zhangmin", "zhangwei", "zhao",
    "zheng", "zhengfu", "zhongguo", "zhongguoren", "zhonghua", "zhou", "zhu", "zxc", "zxc123",
    "zxcv", "zxcvb", "zxcvbnm",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_unique_and_lowercase() {
        assert!(COMMON.windows(2).all(|w| w[0] < w[1]), "COMMON must be sorted and unique");
        assert!(COMMON.iter().all(|w| *w == w.to_lowercase() && !w.is_empty()));
        assert!(COMMON.len() >= 300);
    }

    #[test]
    fn length_limits() {
        assert_eq!(validate("Ab1!x", "u"), Err(ErrorCode::PasswordTooShort));
        assert_eq!(validate("Tongg#26o", "u"), Err(ErrorCode::PasswordTooShort)); // 9
        assert_eq!(validate("", "u"), Err(ErrorCode::PasswordTooShort));
        // Characters, not bytes: 9 Chinese characters are 27 bytes but still too short.
        assert_eq!(validate("通关密码Ab1通关", "u"), Err(ErrorCode::PasswordTooShort));
        assert_eq!(validate("Tongg#26ok", "u"), Ok(())); // exactly 10

        let longest = format!("Tongguan#2026ok{}", "x".repeat(MAX_LENGTH - 15));
        assert_eq!(validate(&longest, "u"), Ok(()));
        let too_long = format!("{longest}x");
        assert_eq!(validate(&too_long, "u"), Err(ErrorCode::PasswordTooLong));
    }

    #[test]
    fn character_classes() {
        for two_classes in ["tongguanok2026", "TONGGUAN2026", "tongguan#ok", "2026#2026#2026", "Tongguanokay"] {
            assert_eq!(validate(two_classes, "u"), Err(ErrorCode::PasswordClasses), "{two_classes}");
        }
        assert_eq!(validate("tongguanok", "u"), Err(ErrorCode::PasswordClasses)); // one class
        assert_eq!(validate("tongguan#2026ok", "u"), Ok(())); // lower, digit, symbol
        assert_eq!(validate("Tongguan2026ok", "u"), Ok(())); // lower, upper, digit
        assert_eq!(validate("铜关镇Tongguan2o", "u"), Ok(())); // Chinese counts as "other"
        assert_eq!(classes("aA1!"), 4);
    }

    #[test]
    fn username_is_refused_case_insensitively() {
        let refused = Err(ErrorCode::PasswordContainsUsername);
        assert_eq!(validate("Zhangsan#2026x", "zhangsan"), refused);
        assert_eq!(validate("zhangSAN#2026x", "ZhangSan"), refused);
        assert_eq!(validate("x#2026ZHANGSAN", " zhangsan "), refused);
        assert_eq!(validate("Grid-Worker-7x9", "worker"), refused);
        // Usernames under 3 characters are not checked (they would match by accident).
        assert_eq!(validate("Grid-Worker-7x9", "gr"), Ok(()));
        assert_eq!(validate("Grid-Worker-7x9", ""), Ok(()));
        assert_eq!(validate("Grid-Worker-7x9", "zhangsan"), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused() {
        for common in [
            // The decorated classics.
            "Password123!",
            "P@ssw0rd2024",
            "Qwerty123456!",
            "Woaini5201314!",
            "Admin@123456",
            "@dmin2024!!",
            "P@55w0rd!!",
            "Iloveyou520!",
            "Zhang123456!",
            "Wang@19900101",
            "Trustno1!2024",
            "Welcome2026!",
            // Keyboard walks.
            "1qaz@WSX3edc",
            "1Qaz2wsx!!",
            "Zaq12wsx!!",
            "Qwertyuiop1!",
            "Asdfghjkl;123",
            "Qazwsxedc123!",
            "!QAZ2wsx#EDC",
            // Runs and repetitions.
            "Abcd1234!@#$",
            "abcABC123!@#",
            "Aaaaaa1111!",
            "Zyxw9876!!",
            "Abab1234!!!!",
            "WoainiWoaini1!",
            // Letters as an afterthought to weak digits or symbols.
            "Ab12345678!",
            "Aa1234567890",
            "1234567890Ab",
            "Ab!@#$%^&*(",
            "!!!!!!!!!Ab",
            "Zx5201314!!",
        ] {
            assert_eq!(validate(common, "u"), Err(ErrorCode::PasswordCommon), "{common}");
        }
    }

    #[test]
    fn reasonable_passwords_pass() {
        for good in [
            "Tongguan#2026ok",
            "Grid-Worker-7x9",
            "Xq7#mLp2&vR9",
            "K9$7!2@8#4%6^1&3", // one letter, but random digits and symbols
            "Correct-Horse-Battery-9",
            "铜关镇Grid2026",
            "Mountain river 82",
            "Ab#93!71@48%",
        ] {
            assert_eq!(validate(good, "zhangsan"), Ok(()), "{good}");
        }
    }

    #[test]
    fn common_detection_details() {
        assert!(is_common("password")); // listed as is
        assert!(is_common("1234567890!@#")); // no letters at all
        assert!(is_common("p@ssword")); // de-leeted core
        assert!(is_common("p4$$w0rd")); // 4 and $
        assert!(!is_common("tongguan#2026ok"));

        assert!(is_pattern(&['a', 'a', 'a']));
        assert!(is_pattern(&['1', '2', '3']));
        assert!(is_pattern(&['c', 'b', 'a']));
        assert!(is_pattern(&['9', '0', '-'])); // along the number row
        assert!(is_pattern(&['z', 'a', 'q', '1'])); // up a column
        assert!(!is_pattern(&['a', 'b'])); // too short to tell
        assert!(!is_pattern(&['t', 'o', 'n', 'g']));
        assert!(keyboard_neighbours('q', 'w') && keyboard_neighbours('w', 'q'));
        assert!(!keyboard_neighbours('q', 'p'));
        assert!(keyboard_neighbours('@', '#') && keyboard_neighbours('!', 'q'));
        assert_eq!(unshift('|'), '\\');
        assert_eq!(unshift('a'), 'a');
        assert_eq!(SHIFTED.len(), UNSHIFTED.len());
        assert_eq!(unleet('1', 'l'), 'l');
        assert_eq!(unleet('x', 'i'), 'x');
    }
}
