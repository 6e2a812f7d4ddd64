import PolicyCLI
PolicyCLIMain.run()
