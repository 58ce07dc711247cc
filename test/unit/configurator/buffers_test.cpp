// The storage of a parsed file: text in its own mapping, ops in blocks.
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>

#include "configurator/parsed_file.hpp"
#include "configurator/text_buffer.hpp"

using configurator::Op;
using configurator::OpKind;
using configurator::OpList;
using configurator::TextBuffer;

BOOST_AUTO_TEST_CASE(text_buffer_grows_keeping_its_text) {
    TextBuffer t;
    BOOST_TEST(t.view().empty());
    BOOST_TEST(std::string(t.data()).empty());
    BOOST_REQUIRE(t.reserve(3));
    std::memcpy(t.tail(), "abc", 3);
    t.grow(3);
    BOOST_REQUIRE(t.reserve(100000));
    std::memset(t.tail(), 'x', 100000 - 3);
    t.grow(100000 - 3);
    BOOST_TEST(t.size() == 100000u);
    BOOST_TEST(t.view().substr(0, 4) == "abcx");
    TextBuffer moved = std::move(t);
    BOOST_TEST(moved.view().substr(0, 3) == "abc");
    BOOST_TEST(t.size() == 0u);
}

BOOST_AUTO_TEST_CASE(text_buffer_releases_whole_pages_only) {
    TextBuffer t;
    BOOST_REQUIRE(t.reserve(1 << 20));
    std::memset(t.tail(), 'y', 1 << 20);
    t.grow(1 << 20);
    t.release_before(100);             // less than a page: nothing goes
    BOOST_TEST(t.view()[0] == 'y');
    t.release_before(1 << 19);
    BOOST_TEST(t.view()[(1 << 19)] == 'y');  // the rest stays readable
    BOOST_TEST(t.view().back() == 'y');
    t.release_before(1 << 18);         // going back is a no-op
}

BOOST_AUTO_TEST_CASE(op_packing) {
    Op op(OpKind::escaped_string, 4000000000u, Op::kMaxLength);
    BOOST_TEST((op.kind() == OpKind::escaped_string));
    BOOST_TEST(op.offset() == 4000000000u);
    BOOST_TEST(op.length() == Op::kMaxLength);
    BOOST_TEST(sizeof(Op) == 8u);
}

BOOST_AUTO_TEST_CASE(op_list_blocks) {
    OpList ops;
    const std::size_t n = 3 * OpList::kBlockSize + 5;
    for (std::size_t i = 0; i < n; ++i) ops.emplace_back(OpKind::number, static_cast<std::uint32_t>(i), 1);
    BOOST_TEST(ops.size() == n);
    BOOST_TEST(ops[n - 1].offset() == n - 1);
    ops.release_before(2 * OpList::kBlockSize + 1);
    BOOST_TEST(ops[2 * OpList::kBlockSize].offset() == 2 * OpList::kBlockSize);
    BOOST_TEST(ops[n - 1].offset() == n - 1);
}
