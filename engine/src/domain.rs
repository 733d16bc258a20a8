//! Small domain types parsed once at the edge: roles, institution codes, e-mail addresses.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// What a user may do, across the plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserRole {
    /// Everything, on every plan.
    Admin,
    /// Manages the plans its institution owns; acts for its institution on tasks.
    Coordinator,
    /// Acts for one institution on its tasks.
    Member,
    /// Reads everything, changes nothing.
    Auditor,
}

/// How an institution takes part in an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentRole {
    /// Carries out the action and reports on it.
    Responsible,
    /// Contributes to the action.
    Partner,
}

macro_rules! string_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The stored, lowercase name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err(Error::validation(
                        $what,
                        format!("`{other}` is not one of: {}", [$($text),+].join(", ")),
                    )),
                }
            }
        }
    };
}

string_enum!(UserRole, "role", { Admin => "admin", Coordinator => "coordinator", Member => "member", Auditor => "auditor" });
string_enum!(AssignmentRole, "role", { Responsible => "responsible", Partner => "partner" });

/// Who performs an operation: a user with a role, acting for an institution (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// How the actor is named in the audit trail (the user's e-mail, or `cli`).
    pub name: String,
    pub role: UserRole,
    pub institution_id: Option<i64>,
}

impl Actor {
    /// The operator at the command line: an admin.
    pub fn operator() -> Self {
        Self {
            name: "cli".to_owned(),
            role: UserRole::Admin,
            institution_id: None,
        }
    }

    /// A user acting for an institution.
    pub fn user(name: impl Into<String>, role: UserRole, institution_id: Option<i64>) -> Self {
        Self {
            name: name.into(),
            role,
            institution_id,
        }
    }

    /// Whether the actor acts for `institution_id` (as a member or coordinator of it).
    pub fn acts_for(&self, institution_id: i64) -> bool {
        matches!(self.role, UserRole::Member | UserRole::Coordinator)
            && self.institution_id == Some(institution_id)
    }

    /// Whether the actor coordinates plans owned by `owner_id`.
    pub fn coordinates(&self, owner_id: i64) -> bool {
        self.role == UserRole::Admin
            || (self.role == UserRole::Coordinator && self.institution_id == Some(owner_id))
    }

    /// Whether the actor may change the details of institution `id` whose stored parent is
    /// `parent_id`: admins, and coordinators of that institution or of its parent.
    pub fn manages(&self, id: i64, parent_id: Option<i64>) -> bool {
        self.coordinates(id) || parent_id.is_some_and(|parent| self.coordinates(parent))
    }
}

/// Who manages institution `code` whose stored parent is `parent` (see [`Actor::manages`]), as
/// refusals say it: "an admin or a coordinator of IGPR or of MAI".
pub fn who_manages(code: &str, parent: Option<&str>) -> String {
    match parent {
        Some(parent) => format!("an admin or a coordinator of {code} or of {parent}"),
        None => format!("an admin or a coordinator of {code}"),
    }
}

/// An institution code: `ANITP`, `IGPR`, `KPP-LUBARTOW`. ASCII letters, digits, `-` and `_`,
/// stored upper-case: `igpr` is `IGPR`, and a look-alike letter from another script (the
/// Cyrillic `І` of `ІGPR`) is refused, so that no code can pass for another.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstitutionCode(String);

/// Longest institution code, in characters.
pub const MAX_CODE_CHARS: usize = 64;

impl InstitutionCode {
    /// Parses a code, upper-casing it; refuses empty ones, ones longer than [`MAX_CODE_CHARS`],
    /// and ones with spaces, punctuation or letters outside ASCII.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let refused = |why: String| {
            Err(Error::validation(
                "code",
                format!(
                    "`{}` is not an institution code: {why}",
                    crate::text::quoted(s)
                ),
            ))
        };
        if s.is_empty() {
            return refused("it is empty".to_owned());
        }
        if s.chars().count() > MAX_CODE_CHARS {
            return refused(format!("a code has at most {MAX_CODE_CHARS} characters"));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            let what = if c.is_alphanumeric() {
                format!(
                    "`{c}` (U+{:04X}) is not an ASCII letter or digit; codes use A-Z, 0-9, `-` \
                     and `_` only",
                    u32::from(c)
                )
            } else {
                format!("`{c}` is not allowed; codes use A-Z, 0-9, `-` and `_` only")
            };
            return refused(what);
        }
        Ok(Self(s.to_ascii_uppercase()))
    }

    /// The code, upper-case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstitutionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked for the shape `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address; surrounding spaces are removed.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let valid = s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
                && s.matches('@').count() == 1
        });
        if valid {
            Ok(Self(s.to_owned()))
        } else {
            Err(Error::validation(
                "email",
                format!("`{s}` is not an e-mail address"),
            ))
        }
    }

    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_refuse_unknown() {
        for role in [
            UserRole::Admin,
            UserRole::Coordinator,
            UserRole::Member,
            UserRole::Auditor,
        ] {
            assert_eq!(role.as_str().parse::<UserRole>().unwrap(), role);
        }
        let e = "mayor".parse::<UserRole>().unwrap_err();
        assert!(e.to_string().contains("`mayor` is not one of"), "{e}");
    }

    #[test]
    fn institution_codes() {
        assert!(InstitutionCode::parse("KPP-LUBARTOW").is_ok());
        assert!(InstitutionCode::parse("ANITP").is_ok());
        assert!(InstitutionCode::parse("MAI prin ANITP").is_err());
        assert!(InstitutionCode::parse("").is_err());
        assert_eq!(InstitutionCode::parse("igpr").unwrap().as_str(), "IGPR");
        assert_eq!(
            InstitutionCode::parse("kpp-Lubartow_2").unwrap().as_str(),
            "KPP-LUBARTOW_2"
        );
        let e = InstitutionCode::parse("\u{0406}GPR")
            .unwrap_err()
            .to_string();
        assert!(e.contains("U+0406") && e.contains("ASCII"), "{e}");
        assert!(InstitutionCode::parse("ANIȚP").is_err());
        assert!(InstitutionCode::parse(&"A".repeat(65)).is_err());
        assert!(InstitutionCode::parse(&"A".repeat(64)).is_ok());
    }

    #[test]
    fn email_addresses() {
        assert_eq!(EmailAddress::parse(" a@b.ro ").unwrap().as_str(), "a@b.ro");
        for bad in ["a@b", "@b.ro", "a b@c.ro", "a@@b.ro", "a@.ro", "<a@b.ro>"] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn actors() {
        let member = Actor::user("m@x.ro", UserRole::Member, Some(7));
        assert!(member.acts_for(7) && !member.acts_for(8) && !member.coordinates(7));
        let auditor = Actor::user("a@x.ro", UserRole::Auditor, Some(7));
        assert!(!auditor.acts_for(7));
        let coordinator = Actor::user("c@x.ro", UserRole::Coordinator, Some(1));
        assert!(coordinator.coordinates(1) && !coordinator.coordinates(2));
        assert!(Actor::operator().coordinates(42));
        assert!(coordinator.manages(1, None) && coordinator.manages(5, Some(1)));
        assert!(!coordinator.manages(5, Some(2)) && !coordinator.manages(2, None));
        assert!(!member.manages(7, None) && !auditor.manages(7, None));
    }
}
