#pragma once
#include <string>
#include <vector>

namespace kcsim::cli {

// Each returns the process exit code; errors are thrown and mapped in main.cpp.
int run_command(const std::vector<std::string>& args, const std::string& command_line);
int compare_command(const std::vector<std::string>& args, const std::string& command_line);
int select_command(const std::vector<std::string>& args, const std::string& command_line);
int calibrate_command(const std::vector<std::string>& args, const std::string& command_line);
int sweep_command(const std::vector<std::string>& args, const std::string& command_line);
int verify_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args);
int params_command(const std::vector<std::string>& args);
int metrics_command(const std::vector<std::string>& args);
int schedule_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);  // hands over to kcsim.reporting
int districts_command(const std::vector<std::string>& args);

}  // namespace kcsim::cli
