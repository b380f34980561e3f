/** Entry point of the `gitlab-runner-tart-driver` bin. */
import { runGitlabDriverCli } from "./driver-main.js";

await runGitlabDriverCli(process.argv.slice(2), "gitlab-runner-tart-driver");
