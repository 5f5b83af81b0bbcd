//! `flagdeck person init --id ID --name NAME --email EMAIL [--dir DIR]`: the user's identity
//! (`flagdeck_app::App::create_identity`; the private key goes only to the OS keyring), and, in a
//! project folder, `people/<id>.json` drafted for a change request (`App::propose_person`).

use std::path::Path;
use std::process::ExitCode;

use flagdeck_app::governance::IDENTITY_SERVICE;
use flagdeck_core::validate::PROJECT_FILE;
use serde_json::json;

use super::session::{open_app, open_checkout};
use crate::error::CliResult;
use crate::output::Format;

pub struct PersonInit<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub dir: &'a Path,
    pub data_dir: &'a Path,
}

pub fn init(args: &PersonInit<'_>, format: Format) -> CliResult {
    let app = open_app(args.data_dir)?;
    let person = app.create_identity(args.id, args.name, args.email)?;
    drop(app);
    let file = format!("people/{}.json", person.id);
    // In a project folder the entry is drafted there, to travel in a change request.
    let drafted = if args.dir.join(PROJECT_FILE).is_file() {
        let (app, workspace) = open_checkout(args.data_dir, args.dir)?;
        app.propose_person(workspace)?;
        Some(args.dir.join(&file))
    } else {
        None
    };
    match format {
        Format::Json => println!(
            "{}",
            json!({
                "person": person,
                "file": file,
                "drafted": drafted.as_ref().map(|p| p.display().to_string()),
                "keyring": {"service": IDENTITY_SERVICE, "account": person.id},
            })
        ),
        Format::Text => {
            println!("Created the identity {} <{}>.", person.id, person.email);
            println!("Public key: {}", person.public_key);
            println!(
                "The private key is in the OS keyring only (service {IDENTITY_SERVICE}, account {}).",
                person.id
            );
            match &drafted {
                Some(path) => println!(
                    "Drafted {}: propose it with flagdeck change create --title \"Add {}\" {file}, then flagdeck sync.",
                    path.display(),
                    person.id
                ),
                None => println!(
                    "Your people/ file is {file}; in a project folder, run flagdeck person init there (or add the file through a change request)."
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
