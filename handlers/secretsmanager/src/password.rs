//! GetRandomPassword: AWS's recipe of four character classes (plus an optional space),
//! minus excluded characters, with at least one of each class by default.

use crate::ids::Random;

pub const DEFAULT_LENGTH: i64 = 32;
pub const MAX_LENGTH: i64 = 4096;
/// The 32 punctuation characters Secrets Manager draws from.
pub const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

#[derive(Debug, Default, Clone)]
pub struct Options {
    pub length: Option<i64>,
    pub exclude_characters: Option<String>,
    pub exclude_numbers: bool,
    pub exclude_punctuation: bool,
    pub exclude_uppercase: bool,
    pub exclude_lowercase: bool,
    pub include_space: bool,
    /// Defaults to true.
    pub require_each_included_type: Option<bool>,
}

pub fn generate(options: &Options) -> Result<String, String> {
    let length = options.length.unwrap_or(DEFAULT_LENGTH);
    if !(1..=MAX_LENGTH).contains(&length) {
        return Err(format!(
            "1 validation error detected: Value '{length}' at 'passwordLength' failed to satisfy constraint: Member must have value between 1 and {MAX_LENGTH}"
        ));
    }
    let excluded = options.exclude_characters.as_deref().unwrap_or("");
    let class = |chars: &str, skip: bool| -> Vec<char> {
        if skip {
            Vec::new()
        } else {
            chars.chars().filter(|c| !excluded.contains(*c)).collect()
        }
    };
    // The classes "RequireEachIncludedType" speaks of; the space is never required.
    let classes: Vec<Vec<char>> = [
        class("abcdefghijklmnopqrstuvwxyz", options.exclude_lowercase),
        class("ABCDEFGHIJKLMNOPQRSTUVWXYZ", options.exclude_uppercase),
        class("0123456789", options.exclude_numbers),
        class(PUNCTUATION, options.exclude_punctuation),
    ]
    .into_iter()
    .filter(|c| !c.is_empty())
    .collect();
    let mut pool: Vec<char> = classes.iter().flatten().copied().collect();
    pool.extend(class(" ", !options.include_space));
    if pool.is_empty() {
        return Err(
            "The password must contain at least one character. You excluded every character type or character."
                .to_string(),
        );
    }
    let length = length as usize;
    let mut rng = Random::new();
    let mut password: Vec<char> = (0..length).map(|_| rng.pick(&pool)).collect();
    if options.require_each_included_type.unwrap_or(true) {
        if length < classes.len() {
            return Err(format!(
                "The password length is too short to include at least one character of each of the {} required character types.",
                classes.len()
            ));
        }
        // Put one character of each class at its own random position.
        let mut positions: Vec<usize> = (0..length).collect();
        for class in &classes {
            let slot = positions.swap_remove(rng.below(positions.len()));
            password[slot] = rng.pick(class);
        }
    }
    Ok(password.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let p = generate(&Options::default()).unwrap();
        assert_eq!(p.chars().count(), 32);
        assert!(p.chars().any(|c| c.is_ascii_lowercase()));
        assert!(p.chars().any(|c| c.is_ascii_uppercase()));
        assert!(p.chars().any(|c| c.is_ascii_digit()));
        assert!(p.chars().any(|c| PUNCTUATION.contains(c)));
        assert!(!p.contains(' '));
    }

    #[test]
    fn options() {
        for _ in 0..50 {
            let p = generate(&Options {
                length: Some(4),
                exclude_punctuation: true,
                exclude_characters: Some("abcdefghijklmnopqrstuvwxy".into()),
                ..Default::default()
            })
            .unwrap();
            assert_eq!(p.len(), 4);
            assert!(p.contains('z'), "{p}");
            assert!(p.chars().all(|c| c.is_ascii_alphanumeric()));
        }
        assert!(generate(&Options { length: Some(2), ..Default::default() }).is_err());
        let all = Options {
            exclude_lowercase: true,
            exclude_uppercase: true,
            exclude_numbers: true,
            exclude_punctuation: true,
            ..Default::default()
        };
        assert!(generate(&all).is_err());
        let spaces = generate(&Options { include_space: true, ..all }).unwrap();
        assert_eq!(spaces, " ".repeat(32));
    }
}
