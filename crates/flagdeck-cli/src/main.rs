//! `flagdeck`: the command line of Flagdeck (DESIGN §9).
//!
//! Exit codes: 0 success, 1 the input has problems (validation failed, a stale build, verify
//! failed), 2 usage or IO error. Every error is a sentence; nothing prints a backtrace.

mod commands;
mod error;
mod output;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;

// Validating and building a large project allocates millions of small JSON nodes; mimalloc
// makes that (and freeing them) several times cheaper than glibc's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "flagdeck",
    version,
    about = "Feature flags as code: validate, build to flagd, evaluate."
)]
struct Cli {
    /// Output format (csv: flagdeck audit only).
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// The app's data folder (identity, cache), for person, change, audit and init --as
    /// (default: $FLAGDECK_DATA_DIR, else $XDG_DATA_HOME/flagdeck or ~/.local/share/flagdeck);
    /// for serve, the desktop app's ($XDG_DATA_HOME or ~/.local/share, /dev.flagdeck.app).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new project (with --example: a realistic one to explore).
    Init {
        /// The folder (created if missing; default: the current folder).
        dir: Option<PathBuf>,
        /// Fill the project with an example: environments, flags, segments, schedules.
        #[arg(long)]
        example: bool,
        /// Govern the project from its first commit, with this person as its first admin.
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
        /// Your name, to create your identity with --as.
        #[arg(long, requires = "as_id")]
        name: Option<String>,
        /// Your email, to create your identity with --as.
        #[arg(long, requires = "as_id")]
        email: Option<String>,
    },
    /// Report every problem in a project, each with its file and place.
    Validate {
        /// The project folder (default: the current folder).
        dir: Option<PathBuf>,
    },
    /// Compile every environment to dist/<env>.flagd.json.
    Build {
        /// The project folder (default: the current folder).
        dir: Option<PathBuf>,
        /// Where to write (default: <project>/dist).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; fail if the files on disk differ from a fresh build.
        #[arg(long)]
        check: bool,
    },
    /// Evaluate flags natively (--project) or from a flagd file (--flagd).
    Eval(EvalArgs),
    /// Bring definitions from another tool into a project.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Sync a project folder that is a Git checkout with its origin remote (three-way merge).
    Sync {
        /// The checkout's folder, holding flagdeck.json (default: the current folder).
        dir: Option<PathBuf>,
        /// Fetch and print the plan; change nothing else (exit 1 if it has conflicts).
        #[arg(long)]
        dry_run: bool,
        /// The commit's author, "Name <email>" (default: git config user.name and user.email).
        #[arg(long)]
        author: Option<String>,
        /// Resolve every conflict by keeping one side.
        #[arg(long, value_enum)]
        keep: Option<commands::sync::Keep>,
    },
    /// Store the password or token of a Git remote in the OS keyring (read from standard input,
    /// never from the command line). Put the user name in the remote's URL:
    /// https://alice@example.com/flags.git
    Credentials {
        /// The remote's URL, with the user name: https://USER@HOST/PATH
        url: String,
    },
    /// Show local drafts, changes to push and pull, and conflicts, as of the last fetch.
    Status {
        /// The checkout's folder (default: the current folder).
        dir: Option<PathBuf>,
    },
    /// Check a range of commits: every governed change published through an approved change
    /// request, and dist/ a fresh build (for CI; exit 1 on any violation).
    Verify {
        /// The project folder inside a Git repository (default: the current folder).
        dir: Option<PathBuf>,
        /// The commits to check: A..B (those reachable from B and not from A).
        #[arg(long)]
        range: String,
    },
    /// Your identity: a key pair whose private key lives in the OS keyring.
    Person {
        #[command(subcommand)]
        action: PersonAction,
    },
    /// Change requests: create, decide, withdraw, publish.
    Change {
        /// The checkout's folder, holding flagdeck.json (default: the current folder).
        #[arg(long, global = true, default_value = ".")]
        dir: PathBuf,
        #[command(subcommand)]
        action: commands::change::ChangeAction,
    },
    /// The app in a browser, on 127.0.0.1 only: prints the address with a token made for this
    /// launch; open it in your browser. Ctrl-C stops it.
    Serve {
        /// A project folder to open as a workspace (the same folder is the same workspace on
        /// every launch); without it the app shows its workspaces.
        dir: Option<PathBuf>,
        /// The port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Serve the UI from this folder (a build of ui/) instead of the one built in.
        #[arg(long, value_name = "DIR")]
        ui_dir: Option<PathBuf>,
    },
    /// A local OpenFeature (OFREP) server for designers: serves the project folder as its files
    /// are now, uncommitted edits included, on 127.0.0.1; prints its URL. Ctrl-C stops it.
    PreviewServer {
        /// The project folder (default: the current folder).
        dir: Option<PathBuf>,
        /// The port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Serve this variation of a flag to everyone (repeatable): FLAG=VARIATION.
        #[arg(long = "pin", value_name = "FLAG=VARIATION")]
        pins: Vec<String>,
    },
    /// The audit log of your actions in this checkout (--format json|csv to export it).
    Audit {
        /// The checkout's folder (default: the current folder).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum PersonAction {
    /// Create your identity; in a project folder, also draft people/<id>.json.
    Init {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// The project folder to draft people/<id>.json in (default: the current folder).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
}

/// `--format`: text and json for every command, csv for the audit export.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Csv,
}

#[derive(Args)]
pub struct EvalArgs {
    /// A Flagdeck project folder, evaluated natively.
    #[arg(
        long,
        conflicts_with = "flagd",
        required_unless_present = "flagd",
        requires = "env"
    )]
    project: Option<PathBuf>,
    /// The environment (with --project).
    #[arg(long)]
    env: Option<String>,
    /// A flagd flag-definition file, evaluated by Flagdeck's flagd evaluator.
    #[arg(long)]
    flagd: Option<PathBuf>,
    /// The flag to evaluate.
    #[arg(long, required_unless_present = "cases", conflicts_with = "cases")]
    flag: Option<String>,
    /// The flagd type to resolve (with --flagd; default: guessed from the flag's variants).
    #[arg(long = "type", value_enum)]
    kind: Option<FlagdTypeArg>,
    /// The application's default, as JSON (with --flagd).
    #[arg(long)]
    default: Option<String>,
    /// The evaluation context, as a JSON object.
    #[arg(long)]
    context: Option<String>,
    /// The evaluation instant (RFC 3339; default: now).
    #[arg(long)]
    at: Option<String>,
    /// Add the steps taken, in words (with --project).
    #[arg(long)]
    explain: bool,
    /// Evaluate every line of a JSONL file: {"flag", "context", "at"?, "type"?, "default"?}.
    #[arg(long)]
    cases: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FlagdTypeArg {
    Boolean,
    String,
    Integer,
    Float,
    Object,
}

#[derive(Subcommand)]
enum ImportSource {
    /// Import a flagd flag-definition file.
    Flagd {
        /// The flagd file.
        file: PathBuf,
        /// The project folder to import into (created if missing).
        #[arg(long)]
        into: PathBuf,
        /// The environment the file describes (default: the project's first environment, or
        /// "production" for a new project).
        #[arg(long)]
        env: Option<String>,
    },
}

fn main() -> ExitCode {
    // A panic is a bug, but the person at the terminal still gets a sentence, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("flagdeck: internal error ({info}); please report it with the command you ran.");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let format = match (cli.format, &cli.command) {
        (FormatArg::Json, _) => Format::Json,
        (FormatArg::Text, _) | (FormatArg::Csv, Command::Audit { .. }) => Format::Text,
        (FormatArg::Csv, _) => {
            let err = error::CliError::Usage("--format csv is for flagdeck audit only.".into());
            return err.report(Format::Text);
        }
    };
    let result = match cli.command {
        Command::Init {
            dir,
            example,
            as_id,
            name,
            email,
        } => as_id
            .map(|id| {
                commands::session::data_dir(cli.data_dir).map(|data_dir| commands::init::Founder {
                    id,
                    name,
                    email,
                    data_dir,
                })
            })
            .transpose()
            .and_then(|founder| commands::init::run(dir, example, founder, format)),
        Command::Validate { dir } => commands::validate::run(dir, format),
        Command::Build { dir, out, check } => commands::build::run(dir, out, check, format),
        Command::Eval(args) => commands::eval::run(args, format),
        Command::Import {
            source: ImportSource::Flagd { file, into, env },
        } => commands::import::run(&file, &into, env.as_deref(), format),
        Command::Sync {
            dir,
            dry_run,
            author,
            keep,
        } => commands::sync::run(
            commands::sync::SyncOptions {
                dir,
                dry_run,
                author,
                keep,
            },
            format,
        ),
        Command::Status { dir } => commands::status::run(dir, format),
        Command::Credentials { url } => commands::credentials::run(&url, format),
        Command::Verify { dir, range } => commands::verify::run(dir, &range, format),
        Command::Person {
            action:
                PersonAction::Init {
                    id,
                    name,
                    email,
                    dir,
                },
        } => commands::session::data_dir(cli.data_dir).and_then(|data_dir| {
            let args = commands::person::PersonInit {
                id: &id,
                name: &name,
                email: &email,
                dir: &dir,
                data_dir: &data_dir,
            };
            commands::person::init(&args, format)
        }),
        Command::Change { dir, action } => commands::session::data_dir(cli.data_dir)
            .and_then(|data_dir| commands::change::run(action, &dir, &data_dir, format)),
        Command::Serve { dir, port, ui_dir } => serve::run(serve::ServeOptions {
            dir,
            port,
            data_dir: cli.data_dir,
            ui_dir,
        }),
        Command::PreviewServer { dir, port, pins } => {
            commands::preview_server::run(commands::preview_server::PreviewOptions {
                dir,
                port,
                pins,
            })
        }
        Command::Audit { dir } => {
            let export = match cli.format {
                FormatArg::Json => Some(flagdeck_app::AuditFormat::Json),
                FormatArg::Csv => Some(flagdeck_app::AuditFormat::Csv),
                FormatArg::Text => None,
            };
            commands::session::data_dir(cli.data_dir)
                .and_then(|data_dir| commands::audit::run(&dir, &data_dir, export))
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => err.report(format),
    }
}
