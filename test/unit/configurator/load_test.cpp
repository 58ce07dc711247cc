// load(): files, imports, ordering of errors, and hostile input.
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

#include <sys/stat.h>

#include "test_util.hpp"

using configurator::test::dump;
using configurator::test::dump_text;
using configurator::test::in_directory;
using configurator::test::load_error;
using configurator::test::TempDir;

namespace {

/// Appends the parts to `out`. Building long texts this way rather than with
/// `"literal" + std::string` also keeps GCC 12 at -O3 from a -Wrestrict false positive.
template <typename... Parts>
void append(std::string& out, const Parts&... parts) {
    ((out += parts), ...);
}

}  // namespace

BOOST_AUTO_TEST_CASE(bindings_groups_and_duplicates) {
    BOOST_TEST(dump_text("a = 1\ng {\n  b = \"x\"\n  h { c = on }\n}\ng { b = off }\na = [1, \"s\"]\n") ==
               "a\tlist\t[number 1/1, string \"s\"]\n"
               "g.b\tbool\tfalse\n"
               "g.h.c\tbool\ttrue\n");
    BOOST_TEST(dump_text("").empty());
    BOOST_TEST(dump_text("# only a comment").empty());
}

BOOST_AUTO_TEST_CASE(interpolation_sees_the_map_so_far) {
    BOOST_TEST(dump_text("a = \"1\"\nb = \"$(a)\"\na = \"2\"\nc = \"$(a) $$ $(HOME)\"\nl = [\"$(x)\"]\n") ==
               "a\tstring\t\"2\"\n"
               "b\tstring\t\"1\"\n"
               "c\tstring\t\"2 $ /home/test\"\n"
               "l\tlist\t[string \"$(x)\"]\n");
    BOOST_TEST(dump_text("g { x = 1\n h { y = \"$(x)\" } }") == "g.h.y\tstring\t\"1\"\ng.x\tnumber\t1/1\n");
    BOOST_TEST(dump_text("s = \"\\u0024(HOME)\"") == "s\tstring\t\"/home/test\"\n");
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_the_file) {
    TempDir dir;
    dir.write("main.cfg", "a = 1\nb = 2 3\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("main.cfg"); }) == "ParseError \"main.cfg\" \"endOfInput\"");
    dir.write("r.cfg", "g {\n import = 1\n}\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("r.cfg"); }) ==
               "ParseError \"r.cfg\" \"reserved word (\\\"import\\\") used as identifier\"");
    dir.write("u.cfg", "import \"\\q\"\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("u.cfg"); }) ==
               "ParseError \"u.cfg\" \"reserved word (\\\"import\\\") used as identifier\"");
}

BOOST_AUTO_TEST_CASE(reading_errors) {
    TempDir dir;
    dir.write("bom.cfg", "\xEF\xBB\xBF" "a = 1\n");
    dir.write("nul.cfg", std::string("a = \"x\0y\"\nb = 1\0", 16));
    dir.write("bad.cfg", "a = 1 # \xC0\xAF\n");
    dir.write("sub/x", "");
    in_directory(dir.path(), [] {
        BOOST_TEST(load_error("bom.cfg") == "ParseError \"bom.cfg\" \"endOfInput\"");
        BOOST_TEST(load_error("nul.cfg") == "ParseError \"nul.cfg\" \"endOfInput\"");
        BOOST_TEST(load_error("bad.cfg") == "bad.cfg: hGetContents: invalid argument (invalid byte sequence)");
        BOOST_TEST(load_error("missing.cfg") == "missing.cfg: openFile: does not exist (No such file or directory)");
        BOOST_TEST(load_error("sub") == "sub: openFile: inappropriate type (is a directory)");
        BOOST_TEST(load_error("") == ": openFile: does not exist (No such file or directory)");
        BOOST_TEST(load_error("$(NOPE).cfg") == "ParseError \"\" \"no such variable \\\"NOPE\\\"\"");
        return 0;
    });
    BOOST_TEST(dump_text(std::string("a = \"x\0y\"", 9)) == "a\tstring\t\"x\\u{0}y\"\n");
}

BOOST_AUTO_TEST_CASE(a_fifo_without_writer_reads_as_empty) {
    TempDir dir;
    BOOST_REQUIRE(::mkfifo(dir.path("fifo").c_str(), 0600) == 0);
    BOOST_TEST(dump(dir.write("main.cfg", "import \"fifo\"\nx = 1\n")) == "x\tnumber\t1/1\n");
}

BOOST_AUTO_TEST_CASE(import_paths_are_relative_to_the_importing_file) {
    TempDir dir;
    dir.write("main.cfg", "import \"sub/a.cfg\"\ng { import \"sub/a.cfg\" }\n");
    dir.write("sub/a.cfg", "a = 1\nimport \"$(CFGSUB)/b.cfg\"\n");
    dir.write("sub/sub/b.cfg", "b = \"$(a)\"\n");
    BOOST_TEST(in_directory(dir.path(), [] { return dump("main.cfg"); }) ==
               "a\tnumber\t1/1\nb\tstring\t\"1\"\ng.a\tnumber\t1/1\ng.b\tstring\t\"1\"\n");
    dir.write("abs.cfg", "import \"" + dir.path("sub/a.cfg") + "\"\n");
    BOOST_TEST(in_directory(dir.path(), [] { return dump("abs.cfg"); }) == "a\tnumber\t1/1\nb\tstring\t\"1\"\n");
    // An absolute path from the environment still gets the importer's directory.
    dir.write("sub/h.cfg", "import \"$(HOME)/x.cfg\"\n");
    dir.write("h.cfg", "import \"sub/h.cfg\"\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("h.cfg"); }) ==
               "sub//home/test/x.cfg: openFile: does not exist (No such file or directory)");
}

BOOST_AUTO_TEST_CASE(import_errors_in_loading_order) {
    TempDir dir;
    dir.write("main.cfg", "x = \"$(NOPE)\"\nimport \"a.cfg\"\nimport \"missing.cfg\"\n");
    dir.write("a.cfg", "import \"bad.cfg\"\n");
    dir.write("bad.cfg", "oops\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("main.cfg"); }) == "ParseError \"bad.cfg\" \"endOfInput\"");
    dir.write("e.cfg", "import \"\"\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("e.cfg"); }) ==
               configurator::errors::empty_import());
    dir.write("dev.cfg", "import \"/dev/null\"\nx = 1\n");
    BOOST_TEST(in_directory(dir.path(), [] { return dump("dev.cfg"); }) == "x\tnumber\t1/1\n");
}

BOOST_AUTO_TEST_CASE(import_cycles_end_with_one_error) {
    TempDir dir;
    dir.write("main.cfg", "a = 1\nimport \"a.cfg\"\n");
    dir.write("a.cfg", "g { import \"b.cfg\" }\n");
    dir.write("b.cfg", "import \"a.cfg\"\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("main.cfg"); }) ==
               "a.cfg: import cycle: a.cfg -> b.cfg -> a.cfg");
    // Spelt differently: caught by file identity.
    dir.write("self.cfg", "import \"" + dir.path("self.cfg") + "\"\n");
    BOOST_TEST(in_directory(dir.path(), [] { return load_error("self.cfg"); }) ==
               "self.cfg: import cycle: self.cfg -> " + dir.path("self.cfg"));
    // A path text that grows each round ends as in the reference, when it gets too long.
    dir.write("dot.cfg", "import \"./dot.cfg\"\n");
    const std::string err = in_directory(dir.path(), [] { return load_error("dot.cfg"); });
    BOOST_TEST(err.substr(0, 10) == "./././././");
    const std::string tail = "/dot.cfg: openFile: invalid argument (File name too long)";
    BOOST_TEST(err.substr(err.size() - tail.size()) == tail);
    // Diamonds and repeats are not cycles.
    dir.write("d.cfg", "import \"l.cfg\"\nimport \"l.cfg\"\n");
    dir.write("l.cfg", "import \"base.cfg\"\n");
    dir.write("base.cfg", "b = 1\n");
    BOOST_TEST(in_directory(dir.path(), [] { return dump("d.cfg"); }) == "b\tnumber\t1/1\n");
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_not_overflowed) {
    std::string groups;
    for (int i = 0; i < 100000; ++i) groups += "g{";
    BOOST_TEST(configurator::test::load_error(TempDir().path()).empty() == false);
    TempDir dir;
    BOOST_TEST(load_error(dir.write("g.cfg", groups)) ==
               dir.path("g.cfg") + ": groups and lists nested more than 1000 levels deep");
    BOOST_TEST(load_error(dir.write("l.cfg", "a = " + std::string(100000, '['))) ==
               dir.path("l.cfg") + ": groups and lists nested more than 1000 levels deep");
    std::string ok = "a = " + std::string(1000, '[') + std::string(1000, ']');
    BOOST_TEST(load_error(dir.write("ok.cfg", ok)) == "");
    std::string ok_groups;
    for (int i = 0; i < 998; ++i) ok_groups += "g{";  // + h + the list: 1000 levels
    ok_groups += "h{a=[1]}" + std::string(998, '}');
    BOOST_TEST(load_error(dir.write("okg.cfg", ok_groups)) == "");
    BOOST_TEST(load_error(dir.write("bad.cfg", ok_groups.substr(0, ok_groups.size() - 1))) ==
               "ParseError \"" + dir.path("bad.cfg") + "\" \"endOfInput\"");
}

BOOST_AUTO_TEST_CASE(hostile_sizes_are_bounded) {
    TempDir dir;
    // Interpolation that doubles on every line.
    std::string doubling = "a0 = \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n";
    for (int i = 1; i < 40; ++i) {
        const std::string prev = std::to_string(i - 1);
        append(doubling, "a", std::to_string(i), " = \"$(a", prev, ")$(a", prev, ")\"\n");
    }
    BOOST_TEST(load_error(dir.write("d.cfg", doubling)) == "interpolation produced more than 1024 MiB of text");
    // Imports that fan out: each file imports the next ten times.
    for (int i = 0; i < 12; ++i) {
        std::string body = "x" + std::to_string(i) + " = 1\n";
        for (int k = 0; k < 10; ++k) body += "import \"f" + std::to_string(i + 1) + ".cfg\"\n";
        dir.write("f" + std::to_string(i) + ".cfg", body);
    }
    dir.write("f12.cfg", "y = 1\n");
    BOOST_TEST(load_error(dir.path("f0.cfg")) ==
               "imports applied too many times over (each file imports others repeatedly)");
    // A long string loads.
    const std::string big(10 * 1000 * 1000, 'x');
    BOOST_TEST(configurator::test::dump(dir.write("s.cfg", "s = \"" + big + "\"")).size() == big.size() + 12);
    BOOST_TEST(load_error(dir.write("n.cfg", "n = 1e5000")) ==
               dir.path("n.cfg") + ": number with more than 4096 digits or an exponent beyond 4096 in magnitude");
}

BOOST_AUTO_TEST_CASE(a_nul_in_an_import_path_is_an_error_not_another_name) {
    // Found by fuzzing: the NUL cut the name where the file was opened, so the file
    // imported itself under a longer path text each time, and memory grew without end.
    TempDir dir;
    const std::string self_import = std::string("x = 1\nimport \"main.cfg\0\0/a\"\n", 28);
    BOOST_TEST(load_error(dir.write("main.cfg", self_import)) ==
               dir.path("main.cfg") +
                   "\\0\\0/a: openFile: invalid argument (FilePaths must not contain internal NUL code units.)");
}

BOOST_AUTO_TEST_CASE(a_large_main_file_with_imports_between_its_blocks) {
    // Far more ops than one block and far more text than one page, so the main file's
    // ops and text are released while it is applied, with imports in between.
    TempDir dir;
    dir.write("other.cfg", "o = \"$(g.x)\"\nimport \"leaf.cfg\"\n");
    dir.write("leaf.cfg", "leaf = [1, [2]]\n");
    std::string main = "g { x = \"gx\" }\n";
    for (int i = 0; i < 30000; ++i) {
        const std::string n = std::to_string(i);
        append(main, "k", n, " = [", n, ", \"s\\u0041", n, "\"]\n");
        if (i % 7000 == 1) append(main, "grp", n, " {\n  import \"other.cfg\"\n}\n");
    }
    main += "last = \"$(g.x)!\"\n";
    configurator::LoadResult r = configurator::load(dir.write("main.cfg", main), configurator::test::fixed_env());
    BOOST_REQUIRE(std::holds_alternative<configurator::Map>(r));
    const auto& m = std::get<configurator::Map>(r);
    BOOST_TEST(m.size() == 1u + 30000u + 5u * 2u + 1u);
    BOOST_TEST(m.at("k12345").as_list()[1].as_string() == "sA12345");
    BOOST_TEST(m.at("grp7001.o").as_string() == "gx");
    BOOST_TEST(m.at("grp28001.leaf").as_list()[1].as_list()[0].as_number() == 2);
    BOOST_TEST(m.at("last").as_string() == "gx!");
}
