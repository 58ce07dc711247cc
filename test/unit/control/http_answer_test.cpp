// The metrics endpoint's answers: GET and HEAD /metrics, 404 elsewhere, 405 for
// other methods, 400 for what is no HTTP/1 request line; responses always close.
#include <boost/test/unit_test.hpp>

#include "supervisor/control/http_answer.hpp"

namespace angel::control {

BOOST_AUTO_TEST_SUITE(http_answer)

BOOST_AUTO_TEST_CASE(get_and_head_of_metrics) {
    BOOST_TEST(answer_request("GET /metrics HTTP/1.1\r\nHost: x").status == 200);
    BOOST_TEST(!answer_request("GET /metrics HTTP/1.1").head_only);
    BOOST_TEST(answer_request("GET /metrics?x=1 HTTP/1.0").status == 200);
    BOOST_TEST(answer_request("GET http://h:9102/metrics HTTP/1.1").status == 200);
    BOOST_TEST(answer_request("HEAD /metrics HTTP/1.1").head_only);
}

BOOST_AUTO_TEST_CASE(other_paths_methods_and_garbage) {
    BOOST_TEST(answer_request("GET / HTTP/1.1").status == 404);
    BOOST_TEST(answer_request("GET /metricsx HTTP/1.1").status == 404);
    BOOST_TEST(answer_request("POST /metrics HTTP/1.1").status == 405);
    BOOST_TEST(answer_request("DELETE /other HTTP/1.1").status == 404);
    BOOST_TEST(answer_request("").status == 400);
    BOOST_TEST(answer_request("GET /metrics").status == 400);
    BOOST_TEST(answer_request("GET /metrics HTTP/2.0").status == 400);
    BOOST_TEST(answer_request("GET  /metrics HTTP/1.1").status == 400);
    BOOST_TEST(answer_request(" /metrics HTTP/1.1").status == 400);
    BOOST_TEST(answer_request("\x01\x02\xff").status == 400);
}

BOOST_AUTO_TEST_CASE(responses) {
    BOOST_TEST(http_response(200, "text/plain", "a 1\n") ==
               "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\na 1\n");
    BOOST_TEST(http_response(200, "text/plain", "a 1\n", true) ==
               "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\n");
    BOOST_TEST(http_error(405) ==
               "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 23\r\n"
               "Allow: GET, HEAD\r\nConnection: close\r\n\r\n405 Method Not Allowed\n");
    BOOST_TEST(http_error(404).ends_with("\r\n\r\n404 Not Found: angel serves /metrics only\n"));
    BOOST_TEST(http_error(503).starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::control
