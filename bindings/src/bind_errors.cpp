// C++ errors become Python exceptions: scenario errors ScenarioError (a ValueError carrying
// file, line, column and key), other bad input ValueError, I/O OSError, model errors RuntimeError.
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <thread>

#include <pybind11/pybind11.h>

#include "bind.hpp"
#include "core/error.hpp"

namespace py = pybind11;

namespace kcsim::py_bind {

void bind_errors(py::module_& m) {
    static py::exception<scenario_error> scenario_exc(m, "ScenarioError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const scenario_error& e) {
            py::object exc = py::handle(scenario_exc.ptr())(py::str(e.what()));
            exc.attr("file") = e.file;
            exc.attr("line") = e.line;
            exc.attr("column") = e.column;
            exc.attr("key") = e.key;
            exc.attr("message") = e.message;
            PyErr_SetObject(scenario_exc.ptr(), exc.ptr());
        } catch (const cancelled&) {
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        } catch (const input_error& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const io_error& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        } catch (const model_error& e) {
            PyErr_SetString(PyExc_RuntimeError, e.what());
        }
    });
}

// Runs `job` on its own thread with the GIL released; checks Ctrl-C every 50 ms and reports
// progress(done, total) when given. Whatever the callback raises (any exception, a wrong
// signature's TypeError, SystemExit, KeyboardInterrupt) cancels the job; the worker is always
// joined before anything propagates, so the exception reaches Python as itself, never as
// std::terminate.
void run_cancellable(const std::function<void(const std::atomic<bool>*, std::atomic<std::uint64_t>&)>& job,
                     std::uint64_t total, const py::object& progress) {
    std::atomic<bool> cancel{false};
    std::atomic<bool> ended{false};
    std::atomic<std::uint64_t> done{0};
    std::exception_ptr failure;   // from the job; read only after join
    std::exception_ptr callback;  // from the progress callback (a py::error_already_set)
    bool interrupted = false;
    {
        py::gil_scoped_release release;
        std::thread worker([&] {
            try {
                job(&cancel, done);
            } catch (...) {
                failure = std::current_exception();
            }
            ended = true;
        });
        std::uint64_t shown = 0;
        for (;;) {
            const bool finished = ended.load();
            {
                py::gil_scoped_acquire gil;
                try {
                    if (PyErr_CheckSignals() != 0) {
                        interrupted = true;
                        cancel = true;
                        PyErr_Clear();
                    }
                    if (!cancel && !progress.is_none() && done.load() != shown) {
                        shown = done.load();
                        progress(shown, total);
                    }
                } catch (...) {
                    callback = std::current_exception();
                    cancel = true;
                }
            }
            if (finished || cancel) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        worker.join();
    }
    if (callback) std::rethrow_exception(callback);
    const bool completed = failure == nullptr;
    if (interrupted && (!completed || done.load() != total)) {
        PyErr_SetNone(PyExc_KeyboardInterrupt);
        throw py::error_already_set();
    }
    if (failure) std::rethrow_exception(failure);
}

int checked_threads(int threads, const char* who) {
    if (threads < 0 || threads > max_threads) {
        throw input_error(std::string(who) + ": threads = " + std::to_string(threads) +
                          ": expected a whole number from 0 to " + std::to_string(max_threads));
    }
    return threads;
}

void check_signals() {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

}  // namespace kcsim::py_bind
