//! The default theme is embedded in the binary (see `load::BUILTIN_DCC`); tell cargo to
//! rebuild when any of its files changes, which `include_dir!` alone does not.

fn main() {
    println!("cargo:rerun-if-changed=themes/dcc");
}
