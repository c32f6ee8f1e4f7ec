#include "flyte/context/deck.hpp"
#include "support/digit_shape.hpp"

#include <catch2/catch.hpp>
#include <string_view>
#include <thread>

#include "flyte/context/redaction.hpp"

using namespace flyte;
using flyte::testing::digit_shape;

namespace {

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("html_escape escapes the five HTML special characters") {
  CHECK(html_escape("<a href=\"x\">Tom & Jerry's</a>") ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  CHECK(html_escape("plain text") == "plain text");
}

TEST_CASE("Deck append joins html on new lines like flytekit") {
  Deck deck("demo", "<h1>a</h1>");
  deck.append("<p>b</p>").append("<p>c</p>");
  CHECK(deck.name() == "demo");
  CHECK(deck.html() == "<h1>a</h1>\n<p>b</p>\n<p>c</p>");
  Deck empty("e");
  empty.append("<p>x</p>");
  CHECK(empty.html() == "<p>x</p>");
}

TEST_CASE("A new DeckSet has the default deck and default_deck is it") {
  DeckSet decks;
  CHECK(decks.names() == std::vector<std::string>{"default"});
  decks.default_deck().append("<b>hi</b>");
  CHECK(decks.deck("default").html() == "<b>hi</b>");
  CHECK(&decks.default_deck() == &decks.deck("default"));
}

TEST_CASE("DeckSet keeps creation order and add replaces a same-named deck in place") {
  DeckSet decks;
  decks.deck("first").append("<p>one</p>");
  decks.add(Deck("second", "<p>two</p>"));
  decks.add(Deck("first", "<p>replaced</p>"));
  CHECK(decks.names() == std::vector<std::string>{"default", "first", "second"});
  CHECK(decks.deck("first").html() == "<p>replaced</p>");

  const auto html = decks.render_html();
  CHECK(html.find("<p>replaced</p>") != std::string::npos);
  CHECK(html.find("<p>one</p>") == std::string::npos);
  CHECK(count_of(html, "class=\"deck-panel\"") == 3);
  // Tabs in creation order.
  CHECK(html.find(">default</label>") < html.find(">first</label>"));
  CHECK(html.find(">first</label>") < html.find(">second</label>"));
}

TEST_CASE("Deck names are HTML-escaped in deck.html while user html is inserted as html") {
  DeckSet decks;
  decks.deck("<script>alert(1)</script>").append("<table><tr><td>ok</td></tr></table>");
  const auto html = decks.render_html("t<itle>");
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<table><tr><td>ok</td></tr></table>") != std::string::npos);
  CHECK(html.find("<title>t&lt;itle&gt;</title>") != std::string::npos);
}

TEST_CASE("deck.html is self-contained: no external resources") {
  DeckSet decks;
  decks.deck("a").append("<p>a</p>");
  decks.timeline_deck().add_entry({"load", 1.5, 0.25});
  const auto html = decks.render_html();
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
}

TEST_CASE("Timeline deck renders a table of Name, Wall Time(s), Process Time(s)") {
  DeckSet decks;
  auto& timeline = decks.timeline_deck();
  CHECK(&timeline == &decks.timeline_deck());
  CHECK(timeline.name() == "Timeline");
  timeline.add_entry({"Download <inputs>", 1.25, 0.5});
  {
    auto section = timeline.time_section("Run task");
    volatile double sink = 0;
    for (int i = 0; i < 100000; ++i) sink = sink + i;
  }
  const auto rows = timeline.entries();
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].name == "Run task");
  CHECK(rows[1].wall_time_s >= 0);
  CHECK(rows[1].process_time_s >= 0);

  const auto html = timeline.html();
  CHECK(html.find("<th>Name</th><th>Wall Time(s)</th><th>Process Time(s)</th>") !=
        std::string::npos);
  CHECK(html.find("<td>Download &lt;inputs&gt;</td><td class=\"num\">1.250000</td>"
                  "<td class=\"num\">0.500000</td>") != std::string::npos);
  const std::string run_row = "<tr><td>Run task</td><td class=\"num\">";
  const auto at = html.find(run_row);
  REQUIRE(at != std::string::npos);
  const auto value =
      html.substr(at + run_row.size(), html.find('<', at + run_row.size()) - at - run_row.size());
  CHECK(digit_shape(value).find_first_not_of('9') == digit_shape(value).size() - 7);
  CHECK(digit_shape(value).substr(digit_shape(value).size() - 7) == ".999999");
  CHECK(count_of(html, "<tr>") == 3);  // header + 2 rows
  CHECK(decks.render_html().find("<td>Run task</td>") != std::string::npos);
}

TEST_CASE("The deck named Timeline is always the timeline deck") {
  DeckSet decks;
  Deck& by_name = decks.deck("Timeline");
  by_name.append("<p>note</p>");
  auto& timeline = decks.timeline_deck();
  CHECK(&by_name == &timeline);
  timeline.add_entry({"x", 1, 1});
  CHECK(decks.names() == std::vector<std::string>{"default", "Timeline"});
  CHECK(by_name.html().find("<p>note</p>") != std::string::npos);
  CHECK(by_name.html().find("<td>x</td>") != std::string::npos);

  decks.add(Deck("Timeline", "<p>replaced</p>"));
  CHECK(timeline.entries().empty());
  CHECK(timeline.html().find("<p>replaced</p>") != std::string::npos);
  CHECK(decks.names().size() == 2);
}

TEST_CASE("Registered secret values never land in deck.html") {
  clear_sensitive_values_for_testing();
  register_sensitive_value("hunter2-secret");
  DeckSet decks;
  decks.default_deck().append("<p>token is hunter2-secret</p>");
  decks.deck("deck hunter2-secret");
  decks.timeline_deck().add_entry({"fetch hunter2-secret", 0, 0});
  const auto html = decks.render_html();
  clear_sensitive_values_for_testing();
  CHECK(html.find("hunter2-secret") == std::string::npos);
  CHECK(html.find("<p>token is [redacted]</p>") != std::string::npos);
  CHECK(html.find(">deck [redacted]</label>") != std::string::npos);
}

TEST_CASE("Decks can be appended to from several threads") {
  DeckSet decks;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&decks, t] {
      for (int i = 0; i < 100; ++i) {
        decks.deck("shared").append("<i>x</i>");
        std::string own = "t";
        own += std::to_string(t);
        decks.deck(own);
        auto section = decks.timeline_deck().time_section("s");
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(count_of(decks.deck("shared").html(), "<i>x</i>") == 400);
  CHECK(decks.timeline_deck().entries().size() == 400);
  CHECK(decks.names().size() == 7);  // default, shared, t0..t3, Timeline
}
