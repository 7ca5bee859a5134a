#include "container/base/uuid.h"

#include <gtest/gtest.h>

#include <string>

namespace preflight::container {
namespace {

TEST(IsUuid, CanonicalFormInEitherCase) {
  EXPECT_TRUE(IsUuid("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"));
  EXPECT_TRUE(IsUuid("0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9"));
  EXPECT_TRUE(IsUuid("00000000-0000-0000-0000-000000000000"));
}

TEST(IsUuid, EverythingElseIsNot) {
  for (const std::string& s : std::initializer_list<std::string>{
           "", "0f1e2d3c4b5a49788695a4b3c2d1e0f9", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f",
           "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f90", "0f1e2d3c-4b5a-4978-8695_a4b3c2d1e0f9",
           "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0fg", "{0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9}",
           " 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f\n",
           "0f1e2d3c--4b5a-4978-8695-a4b3c2d1e0f", "General", std::string(36, '-'),
           std::string("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f\0", 36)}) {
    EXPECT_FALSE(IsUuid(s)) << s;
  }
}

// What v2 agents accept (src/libnetdata/uuid/uuid.c uuid_parse_flexi, v2.0.0..v2.11.0).
TEST(IsUuidFlexi, ZeroOrFourHyphensAndAnythingAfterTheSixteenthByte) {
  for (const std::string& s : std::initializer_list<std::string>{
           "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "0f1e2d3c4b5a49788695a4b3c2d1e0f9",
           "0F1E2D3C4B5A49788695A4B3C2D1E0F9", "0f1e2d3c4b5a49788695a4b3c2d1e0f9\n",
           "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 trailing",
           "0f-1e-2d-3c-4b5a49788695a4b3c2d1e0f9"}) {
    EXPECT_TRUE(IsUuidFlexi(s)) << s;
  }
  for (const std::string& s : std::initializer_list<std::string>{
           "", " 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "0f1e2d3c-4b5a49788695a4b3c2d1e0f9",
           "0f1e2d3c-4b5a-4978-8695-a4b3-c2d1e0f9", "0f1e2d3c4b5a49788695a4b3c2d1e0f",
           "0f1e2d3c--4b5a-4978-8695-a4b3c2d1e0f9", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0fg",
           "0-f1e2d3c4b5a49788695a4b3c2d1e0f9"}) {
    EXPECT_FALSE(IsUuidFlexi(s)) << s;
  }
}

}  // namespace
}  // namespace preflight::container
