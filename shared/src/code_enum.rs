//! `code_enum!`: a closed set of codes whose text form is stored in the database, sent over
//! the wire and used as a translation key. One list gives the enum, its text form, `ALL`,
//! `parse` and the i18n key, so a code written once can never be spelt two ways, and a code
//! added to the list is at once offered, parsed and checked for its translations.
//!
//! Serde uses the text form (`"events.handle"`), exactly the string the code was before it
//! was typed: the browser and the JSON endpoints see no change.

/// ```ignore
/// code_enum! {
///     /// Docs of the enum.
///     pub enum Permission in "perm" {
///         /// Docs of a code.
///         EventsHandle = "events.handle",
///     }
/// }
/// ```
/// gives `Permission::EventsHandle.as_str() == "events.handle"`,
/// `Permission::EventsHandle.i18n_key() == "perm.events.handle"`, `Permission::ALL` (in the
/// order written) and `Permission::parse`. A code written twice is an unreachable pattern in
/// a check the macro writes beside `parse`, which the workspace's `-D warnings` refuses.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident in $prefix:literal {
            $( $(#[$variant_meta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every code, in the order of the list.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every code's text form, in the order of the list (a register's choice field
            /// of these codes declares its code table with them).
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The text form: stored in the database, sent over the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The key of the code's text in `app/locales/*.yml`.
            pub const fn i18n_key(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($prefix, ".", $code),)+
                }
            }

            /// The code with this text form, if there is one. A search of the list, not a
            /// `match` on the strings: rustc compiles a long string match into kilobytes of
            /// comparisons (5 KB for the error codes), which the browser's wasm carries for the
            /// codes it deserializes; parsing a code is never hot.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|known| known.as_str() == code)
            }

            /// Never called: a code written twice is an unreachable pattern here, which the
            /// workspace's `-D warnings` refuses.
            #[allow(dead_code)]
            fn each_code_once(code: &str) -> bool {
                match code {
                    $($code => true,)+
                    _ => false,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                $name::parse(&code).ok_or_else(|| {
                    <D::Error as ::serde::de::Error>::custom(format!(concat!("unknown ", stringify!($name), " `{}`"), code))
                })
            }
        }
    };
}

pub(crate) use code_enum;
