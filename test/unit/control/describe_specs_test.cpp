// `angelctl check`'s text: every setting a program has, defaults marked.
#include <boost/test/unit_test.hpp>

#include "supervisor/control/describe_specs.hpp"
#include "supervisor/spec/serve_spec.hpp"

namespace angel::control {

BOOST_AUTO_TEST_SUITE(describe)

BOOST_AUTO_TEST_CASE(plain_and_served_programs) {
    ProgramSpec a;
    a.id = "a";
    a.exec = "sleep 1";
    a.delay = 2;
    a.stdout_path = "/var/log/a \"x\".log";
    a.killgroup = true;
    a.maxdelay = 60;
    a.env = {{"K", "v"}};
    ProgramSpec w;
    w.id = "web-1";
    w.exec = "srv";
    ServeSpec serve;
    serve.group = "web";
    serve.listen = {*parse_listen_address("8080"), *parse_listen_address("/run/web.sock")};
    serve.ready = ReadySpec{ReadySpec::Kind::notify, 0};
    serve.socketmode = 0660;
    w.serve = serve;
    const std::string text = describe_specs(ProgramSpecs{{"a", a}, {"web-1", w}});
    BOOST_TEST(text ==
               "a\n"
               "  exec = \"sleep 1\"\n"
               "  delay = 2\n"
               "  maxdelay = 60\n"
               "  stdout = \"/var/log/a \\\"x\\\".log\"\n"
               "  stderr = /dev/null  (default)\n"
               "  killgroup = on\n"
               "  env.K = \"v\"\n"
               "web-1\n"
               "  exec = \"srv\"\n"
               "  delay = 5  (default)\n"
               "  stdout = /dev/null  (default)\n"
               "  stderr = /dev/null  (default)\n"
               "  listen = [\"8080\", \"/run/web.sock\"]\n"
               "  socketmode = \"0660\"\n"
               "  ready = \"notify\"\n"
               "  readytimeout = 60  (default)\n"
               "  surge = 1  (default)\n",
               text);
}

BOOST_AUTO_TEST_CASE(critical_and_after) {
    ProgramSpec a;
    a.id = "a";
    a.exec = "x";
    a.critical = true;
    a.after = {"db"};
    ProgramSpec b = a;
    b.id = "b";
    b.critical = false;
    b.after = {"cache", "db"};
    const std::string text = describe_specs(ProgramSpecs{{"a", a}, {"b", b}});
    BOOST_TEST(text.find("a\n  exec = \"x\"\n  delay = 5  (default)\n  stdout = /dev/null  (default)\n"
                         "  stderr = /dev/null  (default)\n  critical = on\n  after = \"db\"\nb\n") == 0u,
               text);
    BOOST_TEST(text.ends_with("  after = [\"cache\", \"db\"]\n"), text);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::control
