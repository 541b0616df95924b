// PostgreSQL export against a real server: ctest starts one with
// tools/test-postgres.sh (fixture "postgres") and passes the file holding
// its URL in ANTRA_TEST_POSTGRES_URL_FILE.

#include <cstdlib>

#include <gtest/gtest.h>

#include "export/export_data.h"
#include "export/export_target.h"
#include "sql_contract.h"

namespace antra {
namespace {

std::string ServerUrl() {
  const char* file = std::getenv("ANTRA_TEST_POSTGRES_URL_FILE");
  if (!file || !*file) return {};
  std::string url = test::ReadBytes(file);
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  return url;
}

class PostgresExport : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = ServerUrl();
    // Outside ctest there is no server; under ctest the fixture provides one
    // and a missing URL is a failure, not a skip.
    if (url_.empty()) {
      if (std::getenv("ANTRA_TEST_POSTGRES_REQUIRED")) FAIL() << "the PostgreSQL test server did not start";
      GTEST_SKIP() << "no PostgreSQL test server (run through ctest, which starts one)";
    }
  }
  test::DatabaseOpener Opener() {
    return [this] {
      auto db = OpenPostgres(url_);
      EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
      return std::move(*db);
    };
  }
  std::string url_;
};

TEST_F(PostgresExport, ExportsEverythingOnceAndRerunChangesNothing) {
  test::ExpectExportsEverythingOnceAndRerunChangesNothing(Opener());
}
TEST_F(PostgresExport, EditsAndDeletionsReachTheDatabaseExactly) {
  test::ExpectEditsAndDeletionsReachTheDatabaseExactly(Opener());
}
TEST_F(PostgresExport, HostileValuesAreBoundNotSpliced) { test::ExpectHostileValuesStoredVerbatim(Opener()); }
TEST_F(PostgresExport, ArmOnlyWhenAsked) { test::ExpectArmOnlyWhenAsked(Opener()); }

TEST_F(PostgresExport, RefusedLoginIsOneLineWithoutThePasswordAndRetryWorks) {
  test::TempDir results("pg-login");
  test::MakeResults(results.path());
  const std::string before = test::TreeHash(results.path());
  // Same server, wrong password.
  const size_t colon = url_.find(':', std::string("postgresql://").size());
  const size_t at = url_.find('@');
  const std::string wrong = url_.substr(0, colon + 1) + "not-the-password" + url_.substr(at);
  auto target = ParseExportTarget(wrong);
  ASSERT_TRUE(target.ok());
  auto refused = RunExport(results.path(), *target, {});
  ASSERT_FALSE(refused.ok());
  const std::string message = refused.error().message;
  EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
  EXPECT_EQ(message.find("not-the-password"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_EQ(test::TreeHash(results.path()), before);
  // The right password: the export simply runs.
  auto db = Opener()();
  test::DropAntraTables(*db);
  auto retried = RunExport(results.path(), *ParseExportTarget(url_), {});
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(test::CountRows(*db, "visits"), 4);
}

TEST_F(PostgresExport, ServerDownIsAClearErrorAndResultsStayIntact) {
  test::TempDir results("pg-down");
  test::MakeResults(results.path());
  const std::string before = test::TreeHash(results.path());
  // Port 1 on localhost: nothing listens there.
  auto target = ParseExportTarget("postgresql://antra:secret@127.0.0.1:1/antra_test");
  auto failed = RunExport(results.path(), *target, {});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("cannot connect to postgresql://antra:***@127.0.0.1:1/antra_test"),
            std::string::npos)
      << failed.error().message;
  EXPECT_EQ(failed.error().message.find("secret"), std::string::npos);
  EXPECT_EQ(test::TreeHash(results.path()), before);
}

}  // namespace
}  // namespace antra
